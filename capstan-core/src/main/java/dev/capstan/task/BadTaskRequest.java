package dev.capstan.task;

import dev.capstan.error.CapstanException;
import dev.capstan.error.ErrorCode;

/** A task or repo request that is well-formed JSON but asks for something invalid. */
public final class BadTaskRequest extends CapstanException {
  private static final long serialVersionUID = 1L;

  /** With the problem and its fix. */
  public BadTaskRequest(String message, String hint) {
    super(ErrorCode.BAD_REQUEST, message, hint);
  }
}
