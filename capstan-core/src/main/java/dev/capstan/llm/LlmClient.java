package dev.capstan.llm;

import java.util.List;

/**
 * A client of an OpenAI-compatible LLM server ({@code /v1/models} and streaming {@code
 * /v1/chat/completions}).
 *
 * <p>Contract: {@link #stream} returns at once; the request runs on its own thread and reports
 * through the {@link StreamListener}. A request is retried (with backoff) only before the first
 * byte of the answer arrived, so a delta or a tool call is never delivered twice. Every failure is
 * an {@link LlmException} with one of the codes {@code LLM_UNREACHABLE}, {@code NO_MODEL_LOADED},
 * {@code LLM_TIMEOUT}, {@code LLM_ERROR} or {@code CANCELLED}.
 *
 * <p>Implementations are thread-safe: one client serves many concurrent requests.
 */
public interface LlmClient {

  /**
   * The ids of the models the server lists, in its order.
   *
   * @throws LlmException {@code LLM_UNREACHABLE}, {@code LLM_TIMEOUT} or {@code LLM_ERROR}
   */
  List<String> listModels();

  /**
   * Starts a streaming chat completion and returns its handle at once.
   *
   * @param request what to ask
   * @param listener receives deltas and completed tool calls, on the request's thread
   * @return the handle to wait for the result or cancel the request
   */
  LlmCall stream(ChatRequest request, StreamListener listener);

  /**
   * Runs a chat completion to its end on the calling thread.
   *
   * @throws LlmException when it fails
   */
  default ChatResult complete(ChatRequest request, StreamListener listener) {
    return stream(request, listener).await();
  }
}
