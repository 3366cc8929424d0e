package dev.capstan.event;

import java.time.Duration;
import java.util.Objects;

/**
 * Tuning of the event log.
 *
 * @param queueCapacity events waiting for the writer before producers block
 * @param maxBatch most events per transaction
 * @param chunkBytes output is flushed into a chunk event at this size
 * @param chunkLinger and at the latest this long after its first byte
 * @param subscriberQueue events buffered per subscriber before it overflows
 * @param outputRetention output chunks older than this are deleted
 * @param outputMaxBytesPerStream and beyond this much output per stream, the oldest go
 */
public record EventLogSettings(
    int queueCapacity,
    int maxBatch,
    int chunkBytes,
    Duration chunkLinger,
    int subscriberQueue,
    Duration outputRetention,
    long outputMaxBytesPerStream) {
  public static final EventLogSettings DEFAULTS =
      new EventLogSettings(
          65_536, 4_096, 16 * 1024, Duration.ofMillis(20), 8_192, Duration.ofDays(30), 256L << 20);

  /** The defaults with the retention the user configured. */
  public EventLogSettings withRetention(Duration retention, long maxBytesPerStream) {
    return new EventLogSettings(
        queueCapacity,
        maxBatch,
        chunkBytes,
        chunkLinger,
        subscriberQueue,
        retention,
        maxBytesPerStream);
  }

  public EventLogSettings {
    if (queueCapacity < 1 || maxBatch < 1 || chunkBytes < 1 || subscriberQueue < 1) {
      throw new IllegalArgumentException("event log sizes must be >= 1");
    }
    Objects.requireNonNull(chunkLinger, "chunkLinger");
    Objects.requireNonNull(outputRetention, "outputRetention");
  }
}
