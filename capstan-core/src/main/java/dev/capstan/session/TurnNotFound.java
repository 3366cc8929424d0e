package dev.capstan.session;

import dev.capstan.error.CapstanException;
import dev.capstan.error.ErrorCode;

/** The session has no turn with the given id. */
public final class TurnNotFound extends CapstanException {
  private static final long serialVersionUID = 1L;

  private final String sessionId;
  private final String turnId;

  public TurnNotFound(String sessionId, String turnId) {
    super(
        ErrorCode.NOT_FOUND,
        "Session " + sessionId + " has no turn '" + turnId + "'.",
        "`capstan session show " + sessionId + "` lists its turns.");
    this.sessionId = sessionId;
    this.turnId = turnId;
  }

  /** The session. */
  public String sessionId() {
    return sessionId;
  }

  /** The turn id asked for. */
  public String turnId() {
    return turnId;
  }
}
