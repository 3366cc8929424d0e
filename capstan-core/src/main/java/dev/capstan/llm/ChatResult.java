package dev.capstan.llm;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The end of a successful chat completion.
 *
 * <p>Immutable and thread-safe.
 *
 * @param model the model that answered (as the server named it, or as requested)
 * @param text the whole answer text (the concatenated text deltas)
 * @param reasoning the whole reasoning text, empty when the server sent none
 * @param toolCalls the tool calls, in index order, possibly none
 * @param finishReason why the model stopped
 * @param usage token counts, when the server reported them
 * @param timings how long it took
 */
public record ChatResult(
    String model,
    String text,
    String reasoning,
    List<ToolCall> toolCalls,
    FinishReason finishReason,
    Optional<Usage> usage,
    Timings timings) {
  public ChatResult {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(reasoning, "reasoning");
    Objects.requireNonNull(finishReason, "finishReason");
    Objects.requireNonNull(usage, "usage");
    Objects.requireNonNull(timings, "timings");
    toolCalls = List.copyOf(toolCalls);
  }

  /** This answer as an assistant message to append to the conversation. */
  public ChatMessage.Assistant asMessage() {
    return new ChatMessage.Assistant(text, toolCalls);
  }
}
