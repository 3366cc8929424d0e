package dev.capstan.event;

import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One subscriber's view of one stream: replay from the store after a seq, then live events, with no
 * gap and no duplicate at the handover. The live listener is registered before the replay starts;
 * events it buffers that the replay already delivered are skipped by seq, and a gap is filled from
 * the store.
 *
 * <p>Live events wait in a bounded queue. If the subscriber does not keep up and the queue fills,
 * further events are not buffered (memory stays bounded); the subscriber receives what was queued
 * and then {@link Sink#overflow} with the last seq it got, and the subscription ends. The client
 * resumes with a new subscription after that seq. Nothing is lost silently.
 *
 * <p>Thread-safe: one pump thread delivers to the sink; {@link #close} may be called from any
 * thread.
 */
public final class Subscription implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Subscription.class);
  private static final int PAGE = 500;

  /** Where a subscription delivers. Calls come from one thread, in seq order. */
  public interface Sink {
    /** Delivers one event; may block while the client is slow. Throwing ends the subscription. */
    void event(StoredEvent event) throws Exception;

    /** The subscriber fell behind; it should resume after {@code lastSeq}. */
    void overflow(StreamName stream, long lastSeq) throws Exception;

    /** The subscription ended (closed, overflowed or failed). Called once, last. */
    default void ended() {}
  }

  private final StreamName stream;
  private final EventStore store;
  private final EventBus bus;
  private final EventLogMetrics metrics;
  private final Sink sink;
  private final BlockingQueue<StoredEvent> live;
  private final Thread pump;
  private volatile boolean overflowed;
  private volatile boolean closed;
  private volatile AutoCloseable registration;
  private long cursor;

  Subscription(
      StreamName stream,
      long afterSeq,
      EventStore store,
      EventBus bus,
      EventLogMetrics metrics,
      int capacity,
      Sink sink,
      ThreadFactory threads) {
    this.stream = stream;
    this.cursor = Math.max(0, afterSeq);
    this.store = store;
    this.bus = bus;
    this.metrics = metrics;
    this.sink = sink;
    // why: a linked queue costs nothing while idle; only events actually queued take memory.
    this.live = new LinkedBlockingQueue<>(capacity);
    this.pump = threads.newThread(this::run);
  }

  void start() {
    pump.start();
  }

  /** The stream. */
  public StreamName stream() {
    return stream;
  }

  private void onLive(StoredEvent event) {
    if (closed || overflowed) {
      return;
    }
    if (!live.offer(event)) {
      overflowed = true;
      metrics.overflow();
    }
  }

  private void run() {
    try {
      registration = bus.subscribe(stream, this::onLive);
      catchUp();
      while (overflowed && !closed) {
        // why: the replay was slower than the live stream; everything is in the store, so read
        // on from there instead of telling a subscriber that is keeping up to start over.
        live.clear();
        overflowed = false;
        catchUp();
      }
      while (!closed) {
        StoredEvent event = live.take();
        if (event.seq() > cursor) {
          if (event.seq() > cursor + 1) {
            fillGap(event.seq() - 1);
          }
          sink.event(event);
          cursor = event.seq();
        }
        // Race: the queue may overflow with events the replay already delivered; report it
        // after a skipped one too. See
        // SubscriptionTest#an_overflow_of_events_the_replay_already_delivered_is_not_a_silent_stall
        if (overflowed && live.isEmpty()) {
          sink.overflow(stream, cursor);
          return;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      if (!closed) {
        log.debug("subscription stream={} ended: {}", stream, e.toString());
      }
    } finally {
      unregister();
      sink.ended();
    }
  }

  private void catchUp() throws Exception {
    while (!closed) {
      List<StoredEvent> page = store.read(stream, cursor, PAGE);
      for (StoredEvent event : page) {
        sink.event(event);
        cursor = event.seq();
      }
      if (page.size() < PAGE) {
        return;
      }
    }
  }

  private void fillGap(long upTo) throws Exception {
    while (cursor < upTo && !closed) {
      List<StoredEvent> page = store.read(stream, cursor, (int) Math.min(PAGE, upTo - cursor));
      if (page.isEmpty()) {
        // Race: retention removed the events in between; continue after the gap.
        cursor = upTo;
        return;
      }
      for (StoredEvent event : page) {
        sink.event(event);
        cursor = event.seq();
      }
    }
  }

  /** Stops delivery and unregisters; idempotent. */
  @Override
  public void close() {
    closed = true;
    unregister();
    pump.interrupt();
  }

  private void unregister() {
    AutoCloseable current = registration;
    registration = null;
    if (current != null) {
      try {
        current.close();
      } catch (Exception e) {
        log.warn("unregistering a subscription of stream={} failed", stream, e);
      }
    }
  }
}
