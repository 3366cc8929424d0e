package dev.capstan.config;

/** Where an effective configuration value came from, highest precedence first. */
public enum Source {
  FLAG,
  ENV,
  CONFIG_FILE,
  DEFAULT;

  /** Lower-case label for humans and JSON. */
  public String label() {
    return switch (this) {
      case FLAG -> "flag";
      case ENV -> "env";
      case CONFIG_FILE -> "config.toml";
      case DEFAULT -> "default";
    };
  }
}
