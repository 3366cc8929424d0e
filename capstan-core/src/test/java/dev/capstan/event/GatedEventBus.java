package dev.capstan.event;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * An {@link InProcessEventBus} whose publishing a test can hold back ({@link #close}) and let go
 * ({@link #open}), to stage the moment between a commit and its publication.
 *
 * <p>Thread-safe.
 */
final class GatedEventBus implements EventBus {
  private final InProcessEventBus delegate = new InProcessEventBus();
  private final List<List<StoredEvent>> held = new ArrayList<>();
  private boolean closed;

  /** Holds every publish from now on. */
  synchronized void close() {
    closed = true;
  }

  /** Publishes what was held, in order, and lets later publishes through. */
  void open() {
    List<List<StoredEvent>> release;
    synchronized (this) {
      closed = false;
      release = List.copyOf(held);
      held.clear();
    }
    release.forEach(delegate::publish);
  }

  @Override
  public void publish(List<StoredEvent> events) {
    synchronized (this) {
      if (closed) {
        held.add(List.copyOf(events));
        return;
      }
    }
    delegate.publish(events);
  }

  @Override
  public AutoCloseable subscribe(StreamName stream, Consumer<StoredEvent> listener) {
    return delegate.subscribe(stream, listener);
  }

  @Override
  public int listenerCount() {
    return delegate.listenerCount();
  }
}
