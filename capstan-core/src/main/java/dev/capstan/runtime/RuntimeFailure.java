package dev.capstan.runtime;

import dev.capstan.error.CapstanException;
import dev.capstan.error.ErrorCode;

/**
 * The execution environment failed: git or the file system did not do what the runtime asked. The
 * message names the command and what it said (never a secret); the engine records it as the
 * attempt's reason.
 */
public final class RuntimeFailure extends CapstanException {
  private static final long serialVersionUID = 1L;

  public RuntimeFailure(String message, String hint) {
    super(ErrorCode.RUNTIME_FAILED, message, hint);
  }

  public RuntimeFailure(String message, String hint, Throwable cause) {
    super(ErrorCode.RUNTIME_FAILED, message, hint, cause);
  }
}
