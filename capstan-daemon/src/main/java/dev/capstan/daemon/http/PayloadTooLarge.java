package dev.capstan.daemon.http;

import dev.capstan.error.CapstanException;
import dev.capstan.error.ErrorCode;

/** A request body over the configured limit. */
final class PayloadTooLarge extends CapstanException {
  private static final long serialVersionUID = 1L;

  PayloadTooLarge(long limit) {
    super(
        ErrorCode.PAYLOAD_TOO_LARGE,
        "The request body is larger than the limit of " + limit + " bytes.",
        "Send less, or raise http.maxRequestBytes / CAPSTAN_MAX_REQUEST_BYTES.");
  }
}
