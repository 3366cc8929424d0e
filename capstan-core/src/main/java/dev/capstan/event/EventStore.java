package dev.capstan.event;

import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;

/**
 * Persistence of the event log. Implementations live outside core ({@code JdbcEventStore}).
 *
 * <p>Contract: {@link #append} assigns each stream's seqs in the transaction that stores the
 * events: per stream they start at 1, have no gaps, and are never reused, even after a crash (a
 * batch commits entirely or not at all). Implementations are thread-safe.
 */
public interface EventStore {
  /**
   * Stores a batch atomically, assigning seqs in the order given.
   *
   * @return the stored events, in the same order
   */
  List<StoredEvent> append(List<NewEvent> batch);

  /**
   * Stores, as {@link #append} does, the batch that {@code collect} returns, calling it only once
   * the store is ready to write (on SQLite: once this writer's turn came), so that events queued
   * while it waited for its turn join the batch instead of needing a commit of their own.
   *
   * @return the stored events, in the order {@code collect} gave them
   */
  default List<StoredEvent> appendCollected(Supplier<List<NewEvent>> collect) {
    return append(collect.get());
  }

  /**
   * Up to {@code limit} events of {@code stream} with seq greater than {@code afterSeq}, in order.
   */
  List<StoredEvent> read(StreamName stream, long afterSeq, int limit);

  /** The highest seq of {@code stream}, 0 if it has none. */
  long lastSeq(StreamName stream);

  /**
   * Deletes {@link EventKind#OUTPUT} events older than {@code cutoff}, and, per stream, the oldest
   * output events beyond {@code maxBytesPerStream} of payload. Other kinds are never deleted.
   *
   * @return how many events were deleted
   */
  int applyRetention(Instant cutoff, long maxBytesPerStream);
}
