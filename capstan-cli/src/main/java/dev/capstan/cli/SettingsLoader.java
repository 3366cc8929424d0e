package dev.capstan.cli;

import dev.capstan.config.ResolvedSettings;
import dev.capstan.config.SettingsResolver;
import java.util.Map;

/**
 * Resolves the settings for one command from its flags, the environment and the home's {@code
 * config.toml}.
 *
 * <p>Thread-safe (stateless).
 */
public final class SettingsLoader {
  private SettingsLoader() {}

  /** Resolves with {@code flags} keyed by dotted setting key. */
  public static ResolvedSettings load(CliContext context, Map<String, String> flags) {
    return SettingsResolver.resolve(flags, context.env(), context.home().configFile());
  }
}
