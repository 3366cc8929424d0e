package dev.capstan.config;

import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * One configuration setting: its dotted key in {@code config.toml}, its environment variable, its
 * optional command-line flag, its default and how to parse it.
 *
 * <p>Immutable and thread-safe.
 *
 * @param key dotted key, for example {@code daemon.port}
 * @param env environment variable, for example {@code CAPSTAN_PORT}
 * @param flag command-line flag, for example {@code --port}, if the setting has one
 * @param defaultValue the default, in the same text form a user writes
 * @param parser turns text into a value, throwing {@link IllegalArgumentException} with a reason
 * @param description one line for {@code capstan config show}
 * @param <T> the value type
 */
public record Setting<T>(
    String key,
    String env,
    Optional<String> flag,
    String defaultValue,
    Function<String, T> parser,
    String description) {
  public Setting {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(env, "env");
    Objects.requireNonNull(flag, "flag");
    Objects.requireNonNull(defaultValue, "defaultValue");
    Objects.requireNonNull(parser, "parser");
    Objects.requireNonNull(description, "description");
  }

  /** Parses {@code raw}, naming this setting and {@code origin} in the error. */
  public T parse(String raw, String origin) {
    try {
      return parser.apply(raw.trim());
    } catch (IllegalArgumentException e) {
      throw new ConfigInvalid(
          key,
          "Invalid value '" + raw + "' for " + key + " (from " + origin + "): " + e.getMessage(),
          "Fix or remove it; see `capstan config show` for every setting and its default.");
    }
  }
}
