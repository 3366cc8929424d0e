package dev.capstan.session;

import dev.capstan.error.CapstanException;
import dev.capstan.error.ErrorCode;

/** A cancel named a turn that has already ended. */
public final class TurnNotActive extends CapstanException {
  private static final long serialVersionUID = 1L;

  public TurnNotActive(Turn turn) {
    super(
        ErrorCode.CONFLICT,
        "Turn " + turn.id() + " is already " + turn.status().wireName() + "; nothing to cancel.",
        "Only queued and running turns can be cancelled.");
  }
}
