package dev.capstan.config;

import java.util.List;
import java.util.Objects;

/**
 * The effective settings and, for each, the value and where it came from.
 *
 * <p>Immutable and thread-safe.
 *
 * @param settings the typed settings
 * @param values one entry per {@link CapstanSettings#ALL} setting, in that order
 */
public record ResolvedSettings(CapstanSettings settings, List<Value> values) {
  public ResolvedSettings {
    Objects.requireNonNull(settings, "settings");
    values = List.copyOf(values);
  }

  /**
   * One effective value.
   *
   * @param key dotted key
   * @param env environment variable
   * @param value the text form of the value in effect
   * @param source where it came from
   * @param description what it does
   */
  public record Value(String key, String env, String value, Source source, String description) {
    public Value {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(env, "env");
      Objects.requireNonNull(value, "value");
      Objects.requireNonNull(source, "source");
      Objects.requireNonNull(description, "description");
    }
  }
}
