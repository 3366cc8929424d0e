package dev.capstan.event;

import java.util.List;
import java.util.function.Consumer;

/**
 * Fans committed events out to subscribers. In-process by default; a Redis implementation fans out
 * across daemon replicas without touching producers.
 *
 * <p>Contract: {@link #publish} is called only after the events' transaction committed, by one
 * thread, in commit order; listeners are called in that order and must not block (they hand the
 * event to a bounded queue). Implementations are thread-safe.
 */
public interface EventBus {
  /** Hands committed events to the listeners of their streams. */
  void publish(List<StoredEvent> events);

  /**
   * Registers a listener for one stream.
   *
   * @return closing it unregisters the listener
   */
  AutoCloseable subscribe(StreamName stream, Consumer<StoredEvent> listener);

  /** How many listeners are registered, for metrics. */
  int listenerCount();
}
