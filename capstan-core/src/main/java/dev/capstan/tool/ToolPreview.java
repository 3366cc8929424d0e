package dev.capstan.tool;

import dev.capstan.llm.ToolCall;

/**
 * Short, one-line previews of tool calls, for approvals and {@code tool.started} events.
 *
 * <p>Thread-safe (stateless).
 */
public final class ToolPreview {
  /** The default length of a preview. */
  public static final int DEFAULT_MAX_CHARS = 500;

  private ToolPreview() {}

  /** The call's arguments, cut to {@code maxChars} with a marker saying how much was left out. */
  public static String of(ToolCall call, int maxChars) {
    return cut(call.arguments().isBlank() ? "{}" : call.arguments(), maxChars);
  }

  /** {@code text} cut to {@code maxChars} characters, with a marker when cut. */
  public static String cut(String text, int maxChars) {
    if (text.length() <= maxChars) {
      return text;
    }
    return text.substring(0, Math.max(0, maxChars)) + "… (" + text.length() + " chars)";
  }
}
