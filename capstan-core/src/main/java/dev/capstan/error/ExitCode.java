package dev.capstan.error;

/**
 * The documented exit codes of the {@code capstan} command (see the README).
 *
 * <p>Immutable. Codes are part of the public contract: add, never renumber.
 */
public enum ExitCode {
  /** Success. */
  OK(0),
  /** Something failed; the message says what. */
  FAILURE(1),
  /** Bad arguments or bad configuration. */
  USAGE(2),
  /** The daemon is not running (and the command does not start it). */
  NOT_RUNNING(3),
  /** The daemon is alive but does not answer, or a remote daemon cannot be reached. */
  UNRESPONSIVE(4),
  /** Another daemon already owns this home. */
  HOME_OWNED(5),
  /** The preferred port and the whole fallback range are taken. */
  NO_FREE_PORT(6),
  /** The daemon rejected the token. */
  UNAUTHORIZED(7),
  /** The named repo, task or other object does not exist. */
  NOT_FOUND(8),
  /** A followed task ended failed (or needs attention). */
  TASK_FAILED(9),
  /** A followed task ended cancelled. */
  TASK_CANCELLED(10);

  private final int code;

  ExitCode(int code) {
    this.code = code;
  }

  /** The numeric process exit status. */
  public int code() {
    return code;
  }
}
