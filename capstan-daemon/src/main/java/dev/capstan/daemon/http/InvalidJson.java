package dev.capstan.daemon.http;

import dev.capstan.error.CapstanException;
import dev.capstan.error.ErrorCode;

/** A request body that is not the JSON the route expects. */
final class InvalidJson extends CapstanException {
  private static final long serialVersionUID = 1L;

  InvalidJson(String detail) {
    super(
        ErrorCode.INVALID_JSON,
        "The request body is not valid JSON: " + detail,
        "Send a JSON object with Content-Type: application/json.");
  }
}
