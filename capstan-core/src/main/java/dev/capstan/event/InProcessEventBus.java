package dev.capstan.event;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/** The single-daemon {@link EventBus}: listeners in a map. Thread-safe. */
public final class InProcessEventBus implements EventBus {
  private final Map<StreamName, List<Consumer<StoredEvent>>> listeners = new ConcurrentHashMap<>();
  private final AtomicInteger count = new AtomicInteger();

  @Override
  public void publish(List<StoredEvent> events) {
    for (StoredEvent event : events) {
      List<Consumer<StoredEvent>> forStream = listeners.get(event.stream());
      if (forStream != null) {
        for (Consumer<StoredEvent> listener : forStream) {
          listener.accept(event);
        }
      }
    }
  }

  @Override
  public AutoCloseable subscribe(StreamName stream, Consumer<StoredEvent> listener) {
    listeners.computeIfAbsent(stream, key -> new CopyOnWriteArrayList<>()).add(listener);
    count.incrementAndGet();
    return () -> {
      List<Consumer<StoredEvent>> forStream = listeners.get(stream);
      if (forStream != null && forStream.remove(listener)) {
        count.decrementAndGet();
      }
    };
  }

  @Override
  public int listenerCount() {
    return count.get();
  }
}
