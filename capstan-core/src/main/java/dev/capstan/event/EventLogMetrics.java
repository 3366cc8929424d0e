package dev.capstan.event;

/**
 * What the event log reports about itself. The daemon implements it on Micrometer; tests and
 * benchmarks use {@link #NONE}. Implementations are thread-safe and cheap.
 */
public interface EventLogMetrics {
  /** A batch of {@code size} events committed in {@code nanos}. */
  void batchCommitted(int size, long nanos);

  /** A batch failed to commit. */
  void batchFailed(int size);

  /** A subscriber overflowed its queue. */
  void overflow();

  /** Ignores everything. */
  EventLogMetrics NONE =
      new EventLogMetrics() {
        @Override
        public void batchCommitted(int size, long nanos) {}

        @Override
        public void batchFailed(int size) {}

        @Override
        public void overflow() {}
      };
}
