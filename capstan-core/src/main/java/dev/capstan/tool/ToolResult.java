package dev.capstan.tool;

import java.util.Objects;

/**
 * What a tool call produced. {@link #content()} is what the model is shown, for every outcome: an
 * error is a message the model can act on, never a stack trace.
 *
 * @param outcome how it ended
 * @param content the text for the model
 * @param truncated whether the content was cut at a size cap
 */
public record ToolResult(ToolOutcome outcome, String content, boolean truncated) {
  public ToolResult {
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(content, "content");
  }

  /** A success. */
  public static ToolResult ok(String content) {
    return new ToolResult(ToolOutcome.OK, content, false);
  }

  /** A refusal or failure, with a message for the model. */
  public static ToolResult error(String message) {
    return new ToolResult(ToolOutcome.ERROR, message, false);
  }

  /** Whether the tool did its job. */
  public boolean isOk() {
    return outcome == ToolOutcome.OK;
  }
}
