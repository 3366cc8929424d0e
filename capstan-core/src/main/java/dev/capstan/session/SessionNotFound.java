package dev.capstan.session;

import dev.capstan.error.CapstanException;
import dev.capstan.error.ErrorCode;

/** No session has the given id. */
public final class SessionNotFound extends CapstanException {
  private static final long serialVersionUID = 1L;

  private final String sessionId;

  public SessionNotFound(String sessionId) {
    super(
        ErrorCode.NOT_FOUND,
        "No session '" + sessionId + "'.",
        "`capstan session list` (GET /api/sessions) lists them.");
    this.sessionId = sessionId;
  }

  /** The id asked for. */
  public String sessionId() {
    return sessionId;
  }
}
