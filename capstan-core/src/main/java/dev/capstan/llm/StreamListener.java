package dev.capstan.llm;

/**
 * Receives a streaming chat completion as it arrives. Callbacks run on the request's thread, one at
 * a time, in the order of the stream; they must not block for long. A callback that throws aborts
 * the request with {@code LLM_ERROR}.
 *
 * <p>Every method has an empty default, so a listener implements only what it needs.
 */
public interface StreamListener {

  /** A listener that ignores everything. */
  StreamListener NONE = new StreamListener() {};

  /**
   * An attempt's request was handed to the HTTP client. Called once per attempt, on the call's own
   * thread; must not block.
   */
  default void onRequestSent() {}

  /**
   * A piece of the answer's text ({@code delta.content}). Never empty.
   *
   * @param text the new text
   */
  default void onText(String text) {}

  /**
   * A piece of the model's reasoning ({@code delta.reasoning_content} or {@code delta.reasoning},
   * sent by some servers for thinking models). It is not part of the answer's text. Never empty.
   *
   * @param text the new reasoning text
   */
  default void onReasoning(String text) {}

  /**
   * A tool call whose arguments are complete. Calls are delivered in the order of their index, once
   * the server has moved on to the next call or finished the message.
   *
   * @param call the complete call
   */
  default void onToolCall(ToolCall call) {}
}
