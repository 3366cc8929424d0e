package dev.capstan.tool;

import java.util.Locale;

/**
 * How a tool call ended.
 *
 * <p>Immutable.
 */
public enum ToolOutcome {
  /** It did its job. */
  OK,
  /** It refused or failed (bad arguments, path outside the workspace, non-zero exit...). */
  ERROR,
  /** It ran out of time and was stopped. */
  TIMEOUT,
  /** It was cancelled and stopped. */
  CANCELLED;

  /** The lower-case name used in JSON. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
