package dev.capstan.idempotency;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The value of an {@code Idempotency-Key} request header: an opaque string the client picks once
 * per logical request and sends again on a retry, so that a retried create answers with the object
 * the first request created instead of creating a second one.
 *
 * @param value 1 to 128 characters of {@code [A-Za-z0-9_-]}
 */
public record IdempotencyKey(String value) {
  /** The HTTP request header that carries the key. */
  public static final String HEADER = "Idempotency-Key";

  /** The longest key accepted. */
  public static final int MAX_LENGTH = 128;

  private static final Pattern SHAPE = Pattern.compile("[A-Za-z0-9_-]{1," + MAX_LENGTH + "}");

  public IdempotencyKey {
    Objects.requireNonNull(value, "value");
    if (!SHAPE.matcher(value).matches()) {
      throw new IllegalArgumentException(
          "an idempotency key is 1 to " + MAX_LENGTH + " characters of A-Z, a-z, 0-9, '_' and '-'");
    }
  }

  @Override
  public String toString() {
    return value;
  }
}
