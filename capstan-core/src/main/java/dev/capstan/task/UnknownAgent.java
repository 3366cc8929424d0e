package dev.capstan.task;

import dev.capstan.error.CapstanException;
import dev.capstan.error.ErrorCode;

/** An agent name Capstan does not know. */
public final class UnknownAgent extends CapstanException {
  private static final long serialVersionUID = 1L;

  /** For the unknown agent and the known ones. */
  public UnknownAgent(String agent, java.util.Collection<String> known) {
    super(
        ErrorCode.UNKNOWN_AGENT,
        "Unknown agent \"" + agent + "\".",
        "Known agents: " + String.join(", ", known) + ".");
  }
}
