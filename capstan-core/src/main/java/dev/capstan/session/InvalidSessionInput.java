package dev.capstan.session;

import dev.capstan.error.CapstanException;
import dev.capstan.error.ErrorCode;

/** A session request with a bad value (an empty message, a title too long, an unknown policy). */
public final class InvalidSessionInput extends CapstanException {
  private static final long serialVersionUID = 1L;

  public InvalidSessionInput(String message, String hint) {
    super(ErrorCode.BAD_REQUEST, message, hint);
  }
}
