package dev.capstan.config;

import dev.capstan.error.CapstanException;
import dev.capstan.error.ErrorCode;

/**
 * A configuration value or key that Capstan cannot accept. The message names the key and where the
 * value came from.
 */
public final class ConfigInvalid extends CapstanException {
  private static final long serialVersionUID = 1L;

  private final String key;

  public ConfigInvalid(String key, String message, String hint) {
    super(ErrorCode.CONFIG_INVALID, message, hint);
    this.key = key;
  }

  /** The offending key (dotted config key, environment variable or flag). */
  public String key() {
    return key;
  }
}
