package dev.capstan.cli;

import dev.capstan.error.CapstanException;
import dev.capstan.error.ErrorCode;
import dev.capstan.error.ExitCode;

/**
 * A failure the CLI reports with a message, a hint and a documented exit code, never a stack trace.
 */
public final class CliException extends CapstanException {
  private static final long serialVersionUID = 1L;

  private final ExitCode exitCode;

  public CliException(ExitCode exitCode, ErrorCode code, String message, String hint) {
    super(code, message, hint);
    this.exitCode = exitCode;
  }

  public CliException(
      ExitCode exitCode, ErrorCode code, String message, String hint, Throwable cause) {
    super(code, message, hint, cause);
    this.exitCode = exitCode;
  }

  /** The process exit code for this failure. */
  public ExitCode exitCode() {
    return exitCode;
  }
}
