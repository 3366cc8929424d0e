package dev.capstan.llm;

import java.util.Locale;

/**
 * Why the model stopped, normalised over the variants servers send.
 *
 * <p>Immutable.
 */
public enum FinishReason {
  /** It finished its answer ({@code stop}, {@code eos}, {@code end_turn}). */
  STOP,
  /** It hit the token limit ({@code length}, {@code max_tokens}). */
  LENGTH,
  /** It wants tool calls run ({@code tool_calls}, {@code function_call}). */
  TOOL_CALLS,
  /** The server filtered the output ({@code content_filter}). */
  CONTENT_FILTER,
  /** The stream ended without a reason, or with one Capstan does not know. */
  UNKNOWN;

  /** Maps a server's {@code finish_reason} (null or absent gives {@link #UNKNOWN}). */
  public static FinishReason fromWire(String wire) {
    if (wire == null) {
      return UNKNOWN;
    }
    return switch (wire.strip().toLowerCase(Locale.ROOT)) {
      case "stop", "eos", "eos_token", "end_turn", "stop_sequence" -> STOP;
      case "length", "max_tokens", "model_length" -> LENGTH;
      case "tool_calls", "function_call", "tool_use", "tool_call" -> TOOL_CALLS;
      case "content_filter" -> CONTENT_FILTER;
      default -> UNKNOWN;
    };
  }
}
