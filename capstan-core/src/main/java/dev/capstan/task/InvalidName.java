package dev.capstan.task;

import dev.capstan.error.CapstanException;
import dev.capstan.error.ErrorCode;

/** A name that Capstan refuses: it could escape a directory or confuse a shell. */
public final class InvalidName extends CapstanException {
  private static final long serialVersionUID = 1L;

  /** For the refused {@code name} of a {@code what} (repo, branch, ...). */
  public InvalidName(String what, String name) {
    super(
        ErrorCode.INVALID_NAME,
        "Invalid " + what + " name \"" + name + "\".",
        "Use letters, digits, dots, dashes and underscores (up to 64, starting with a letter or"
            + " digit, no \"..\").");
  }
}
