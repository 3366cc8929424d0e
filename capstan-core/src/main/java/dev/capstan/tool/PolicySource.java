package dev.capstan.tool;

import java.util.Locale;

/**
 * Where an effective tool policy came from.
 *
 * <p>Immutable.
 */
public enum PolicySource {
  /** The default of the tool's risk class. */
  DEFAULT,
  /** The configuration ({@code tools.policy.<name>}). */
  CONFIG,
  /** An override of one session. */
  SESSION;

  /** The lower-case name used in JSON. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
