package dev.capstan.store.jdbc;

import dev.capstan.idempotency.IdempotencyKey;
import dev.capstan.idempotency.IdempotencyStore;
import java.time.Instant;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * {@link IdempotencyStore} on the {@code idempotency_keys} table, plus the two steps the creating
 * stores run inside their own transaction: {@link #claim} first (a write, so that concurrent
 * requests with the same key serialise on the primary key), then {@link #bind} once the object has
 * its id.
 *
 * <p>Thread-safe.
 */
public final class JdbcIdempotencyStore implements IdempotencyStore {
  private final Jdbi jdbi;

  public JdbcIdempotencyStore(Database database) {
    this.jdbi = database.jdbi();
  }

  @Override
  public Optional<String> createdWith(String scope, IdempotencyKey key) {
    return jdbi.withHandle(handle -> created(handle, scope, key));
  }

  @Override
  public int forgetBefore(Instant cutoff) {
    return jdbi.withHandle(
        handle ->
            handle
                .createUpdate("DELETE FROM idempotency_keys WHERE created_micros < :cutoff")
                .bind("cutoff", Micros.of(cutoff))
                .execute());
  }

  /**
   * Claims {@code key} in {@code scope} inside the caller's transaction. Returns empty when this
   * transaction now owns the key (create the object, then {@link #bind} it), or the id of the
   * object an earlier request created with it (create nothing).
   */
  // Race: a concurrent request with the same key waits on the primary key (PostgreSQL) or the
  // write lock (SQLite) until the first commits, then sees its row; see
  // IdempotencyContract#concurrent_requests_with_one_key_create_one_task.
  static Optional<String> claim(Handle handle, String scope, IdempotencyKey key, Instant at) {
    int inserted =
        handle
            .createUpdate(
                "INSERT INTO idempotency_keys (scope, idem_key, created_id, created_micros)"
                    + " VALUES (:scope, :key, '', :at) ON CONFLICT (scope, idem_key) DO NOTHING")
            .bind("scope", scope)
            .bind("key", key.value())
            .bind("at", Micros.of(at))
            .execute();
    if (inserted == 1) {
      return Optional.empty();
    }
    return Optional.of(
        created(handle, scope, key)
            .orElseThrow(() -> new IllegalStateException("idempotency key vanished: " + scope)));
  }

  /** Records the id of the object created under a key this transaction {@link #claim}ed. */
  static void bind(Handle handle, String scope, IdempotencyKey key, String createdId) {
    handle
        .createUpdate(
            "UPDATE idempotency_keys SET created_id = :id WHERE scope = :scope AND idem_key = :key")
        .bind("id", createdId)
        .bind("scope", scope)
        .bind("key", key.value())
        .execute();
  }

  private static Optional<String> created(Handle handle, String scope, IdempotencyKey key) {
    return handle
        .createQuery(
            "SELECT created_id FROM idempotency_keys WHERE scope = :scope AND idem_key = :key")
        .bind("scope", scope)
        .bind("key", key.value())
        .mapTo(String.class)
        .findOne();
  }
}
