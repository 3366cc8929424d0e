package dev.capstan.session;

/**
 * Why a turn ended without an answer; the {@code code} of a {@code turn.error} event. Part of the
 * public contract: add, never rename.
 */
public enum TurnErrorCode {
  /** The LLM server could not be reached (connection refused, DNS, reset before any answer). */
  LLM_UNREACHABLE,
  /** The server answered but has no model loaded, or not the one the session asks for. */
  NO_MODEL_LOADED,
  /** The server did not answer, or stopped streaming, within the configured timeout. */
  LLM_TIMEOUT,
  /** The server answered with an error, or the stream broke off in the middle. */
  LLM_ERROR,
  /** Someone cancelled the turn. */
  CANCELLED,
  /** The daemon stopped or crashed while the turn was running. */
  DAEMON_RESTARTED,
  /** The model kept calling tools beyond the iteration limit of one turn. */
  ITERATION_LIMIT,
  /** A bug in Capstan; details are in the daemon log. */
  INTERNAL
}
