package dev.capstan.error;

/**
 * The root of every Capstan failure that reaches a user. Each carries a stable {@link ErrorCode}
 * and a hint that says what to do; both end up in the one error shape.
 *
 * <p>Immutable once constructed.
 */
public abstract class CapstanException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final ErrorCode code;
  private final String hint;

  protected CapstanException(ErrorCode code, String message, String hint) {
    super(message);
    this.code = code;
    this.hint = hint;
  }

  protected CapstanException(ErrorCode code, String message, String hint, Throwable cause) {
    super(message, cause);
    this.code = code;
    this.hint = hint;
  }

  /** The stable machine-readable code. */
  public ErrorCode code() {
    return code;
  }

  /** What the user can do about it; may be empty. */
  public String hint() {
    return hint;
  }
}
