package dev.capstan.idempotency;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The remembered idempotency keys: per scope (what kind of object a key created, such as {@link
 * #TASKS}), the id of the object the first request with the key created. A store that creates an
 * object under a key writes the key in the same transaction as the object; this SPI only reads and
 * forgets. Implementations live outside core and are thread-safe.
 */
public interface IdempotencyStore {
  /** How long a key is remembered. */
  Duration RETENTION = Duration.ofHours(24);

  /** Scope of {@code POST /api/tasks}. */
  String TASKS = "tasks";

  /** Scope of {@code POST /api/repos}. */
  String REPOS = "repos";

  /** Scope of {@code POST /api/sessions/{id}/turns}: one per session. */
  static String turnsOf(String sessionId) {
    return "sessions/" + sessionId + "/turns";
  }

  /** The id of the object the key created in {@code scope}, if the key is remembered. */
  Optional<String> createdWith(String scope, IdempotencyKey key);

  /**
   * Forgets the keys stored before {@code cutoff}.
   *
   * @return how many were forgotten
   */
  int forgetBefore(Instant cutoff);
}
