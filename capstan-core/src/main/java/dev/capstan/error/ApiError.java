package dev.capstan.error;

import java.util.Objects;

/**
 * The body of every 4xx/5xx response: {@code {"error":{"code","message","hint"}}}.
 *
 * @param error the error details
 */
public record ApiError(Detail error) {
  public ApiError {
    Objects.requireNonNull(error, "error");
  }

  /** Builds the shape from its three parts. */
  public static ApiError of(ErrorCode code, String message, String hint) {
    return new ApiError(new Detail(code.name(), message, hint));
  }

  /** Builds the shape from an exception of ours. */
  public static ApiError of(CapstanException exception) {
    return of(exception.code(), exception.getMessage(), exception.hint());
  }

  /**
   * The inner object.
   *
   * @param code SNAKE_CASE code, one of {@link ErrorCode}
   * @param message what went wrong, for a person
   * @param hint what to do about it (may be empty, never null)
   */
  public record Detail(String code, String message, String hint) {
    public Detail {
      Objects.requireNonNull(code, "code");
      message = Objects.requireNonNullElse(message, "");
      hint = Objects.requireNonNullElse(hint, "");
    }
  }
}
