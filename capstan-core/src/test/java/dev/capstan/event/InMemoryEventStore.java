package dev.capstan.event;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A hand-written {@link EventStore} in memory, for tests of what sits on top of the store. It keeps
 * the contract that matters there: per-stream seqs from 1 without gaps, atomic batches.
 *
 * <p>Thread-safe: every method holds the store's monitor (no I/O happens under it).
 */
public final class InMemoryEventStore implements EventStore {
  private final Map<StreamName, List<StoredEvent>> streams = new HashMap<>();
  private final Map<StreamName, Long> lastSeqs = new HashMap<>();

  @Override
  public synchronized List<StoredEvent> append(List<NewEvent> batch) {
    List<StoredEvent> stored = new ArrayList<>(batch.size());
    for (NewEvent event : batch) {
      long seq = lastSeqs.merge(event.stream(), 1L, Long::sum);
      StoredEvent storedEvent =
          new StoredEvent(
              event.stream(), seq, event.type().wireName(), event.ts(), event.dataJson());
      streams.computeIfAbsent(event.stream(), key -> new ArrayList<>()).add(storedEvent);
      stored.add(storedEvent);
    }
    return stored;
  }

  @Override
  public synchronized List<StoredEvent> read(StreamName stream, long afterSeq, int limit) {
    return streams.getOrDefault(stream, List.of()).stream()
        .filter(event -> event.seq() > afterSeq)
        .limit(limit)
        .toList();
  }

  @Override
  public synchronized long lastSeq(StreamName stream) {
    return lastSeqs.getOrDefault(stream, 0L);
  }

  @Override
  public synchronized int applyRetention(Instant cutoff, long maxBytesPerStream) {
    return 0;
  }
}
