package dev.capstan.event;

import java.time.Instant;
import java.util.List;

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
