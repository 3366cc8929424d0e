package dev.capstan.event;

import dev.capstan.error.CapstanException;
import dev.capstan.error.ErrorCode;

/** A stream name that is not one of Capstan's streams. */
public final class InvalidStream extends CapstanException {
  private static final long serialVersionUID = 1L;

  InvalidStream(String name) {
    super(
        ErrorCode.UNKNOWN_STREAM,
        "Unknown stream '" + (name.length() > 80 ? name.substring(0, 80) + "..." : name) + "'.",
        "Streams are task/<id>, session/<id>, tasks, approvals and system.");
  }
}
