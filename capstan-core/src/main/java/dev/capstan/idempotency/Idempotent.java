package dev.capstan.idempotency;

import java.util.Objects;

/**
 * What a create guarded by an {@link IdempotencyKey} produced: the object, and whether it was
 * created just now or by an earlier request with the same key (a replay; nothing new was stored).
 *
 * @param value the created object
 * @param replayed true when an earlier request with the same key created it
 */
public record Idempotent<T>(T value, boolean replayed) {
  public Idempotent {
    Objects.requireNonNull(value, "value");
  }

  /** An object created by this request. */
  public static <T> Idempotent<T> created(T value) {
    return new Idempotent<>(value, false);
  }

  /** An object an earlier request with the same key created. */
  public static <T> Idempotent<T> replayed(T value) {
    return new Idempotent<>(value, true);
  }
}
