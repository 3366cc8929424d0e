package dev.capstan.llm;

import dev.capstan.error.CapstanException;
import dev.capstan.error.ErrorCode;
import java.util.Objects;
import java.util.Set;

/**
 * A failed LLM request. Its {@link #code()} is one of {@link ErrorCode#LLM_UNREACHABLE}, {@link
 * ErrorCode#NO_MODEL_LOADED}, {@link ErrorCode#LLM_TIMEOUT}, {@link ErrorCode#LLM_ERROR} or {@link
 * ErrorCode#CANCELLED}; its message names the server and never contains the API key.
 *
 * <p>Immutable once constructed.
 */
public final class LlmException extends CapstanException {
  private static final long serialVersionUID = 1L;

  /** The codes an LLM failure may carry. */
  public static final Set<ErrorCode> CODES =
      Set.of(
          ErrorCode.LLM_UNREACHABLE,
          ErrorCode.NO_MODEL_LOADED,
          ErrorCode.LLM_TIMEOUT,
          ErrorCode.LLM_ERROR,
          ErrorCode.CANCELLED);

  /** Whether any part of the answer had been delivered to the listener before the failure. */
  private final boolean afterFirstToken;

  /**
   * A failure.
   *
   * @param code one of {@link #CODES}
   * @param message what happened, naming the server
   * @param hint what to do
   * @param afterFirstToken whether part of the answer had already been delivered
   * @param cause the underlying failure, or null
   */
  public LlmException(
      ErrorCode code, String message, String hint, boolean afterFirstToken, Throwable cause) {
    super(checked(code), message, hint, cause);
    this.afterFirstToken = afterFirstToken;
  }

  /** A failure before any part of the answer was delivered. */
  public LlmException(ErrorCode code, String message, String hint) {
    this(code, message, hint, false, null);
  }

  /** Whether part of the answer (text or tool calls) had been delivered before the failure. */
  public boolean afterFirstToken() {
    return afterFirstToken;
  }

  private static ErrorCode checked(ErrorCode code) {
    Objects.requireNonNull(code, "code");
    if (!CODES.contains(code)) {
      throw new IllegalArgumentException("not an LLM error code: " + code);
    }
    return code;
  }
}
