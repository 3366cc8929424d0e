package dev.capstan.tool;

import java.util.Locale;

/**
 * Whether a tool call runs at once, waits for a person's approval, or is refused.
 *
 * <p>Immutable.
 */
public enum ToolPolicy {
  /** Runs without asking. */
  ALLOW,
  /** Waits for an approval. */
  ASK,
  /** Refused; the model is told so. */
  DENY;

  /** The lower-case name used in JSON, config and the CLI, for example {@code ask}. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Parses {@code allow}, {@code ask} or {@code deny} (any case).
   *
   * @throws IllegalArgumentException naming the allowed values otherwise
   */
  public static ToolPolicy parse(String text) {
    return switch (text.strip().toLowerCase(Locale.ROOT)) {
      case "allow" -> ALLOW;
      case "ask" -> ASK;
      case "deny" -> DENY;
      default ->
          throw new IllegalArgumentException(
              "expected allow, ask or deny, was '" + text.strip() + "'");
    };
  }
}
