package dev.capstan.daemon.http;

import dev.capstan.error.CapstanException;
import dev.capstan.error.ErrorCode;
import dev.capstan.idempotency.IdempotencyKey;
import dev.capstan.idempotency.Idempotent;
import io.javalin.http.Context;
import java.util.Optional;

/**
 * Reads the {@code Idempotency-Key} header of a creating request and marks a replayed answer. A
 * replay answers with the same status as the first answer and the object's current view, plus
 * {@code Idempotent-Replayed: true}.
 */
final class IdempotencyHeader {
  /** Set on an answer that did not create anything because the key had already done so. */
  static final String REPLAYED = "Idempotent-Replayed";

  private IdempotencyHeader() {}

  /** The key the request carries, if any; a malformed one answers 400. */
  static Optional<IdempotencyKey> of(Context ctx) {
    String value = ctx.header(IdempotencyKey.HEADER);
    if (value == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(new IdempotencyKey(value));
    } catch (IllegalArgumentException e) {
      throw new InvalidKey();
    }
  }

  /** Marks the answer as a replay when {@code result} is one. */
  static void mark(Context ctx, Idempotent<?> result) {
    if (result.replayed()) {
      ctx.header(REPLAYED, "true");
    }
  }

  /** A malformed {@code Idempotency-Key} header. */
  static final class InvalidKey extends CapstanException {
    private static final long serialVersionUID = 1L;

    InvalidKey() {
      super(
          ErrorCode.BAD_REQUEST,
          "The Idempotency-Key header must be 1 to "
              + IdempotencyKey.MAX_LENGTH
              + " characters of A-Z, a-z, 0-9, '_' and '-'.",
          "Send one random key (such as a UUID) per logical request, and the same key on a retry.");
    }
  }
}
