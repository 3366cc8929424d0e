package dev.capstan.llm;

import java.time.Duration;
import java.util.Optional;

/**
 * The handle of one streaming chat completion started by {@link LlmClient#stream}.
 *
 * <p>Thread-safe: any thread may cancel while another awaits.
 */
public interface LlmCall {

  /**
   * Waits for the end of the request.
   *
   * @return the result once the server finished
   * @throws LlmException when the request failed, timed out or was cancelled ({@code CANCELLED})
   */
  ChatResult await();

  /**
   * Waits at most {@code timeout} for the end of the request.
   *
   * @return the result, or empty when it is still running after {@code timeout}
   * @throws LlmException when the request failed, timed out or was cancelled
   */
  Optional<ChatResult> await(Duration timeout);

  /**
   * Aborts the request: the connection is closed promptly, no listener callback follows once this
   * returns, and {@link #await()} throws an {@link LlmException} with code {@code CANCELLED}.
   * Idempotent; does nothing once the request has ended.
   */
  void cancel();

  /** Whether the request has ended, in any way. */
  boolean isDone();
}
