package dev.capstan.event;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.capstan.json.Json;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadFactory;

/**
 * The event log: the one durable, ordered stream of everything. Producers {@link #append} typed
 * events or {@link #appendOutput} text (coalesced into chunks); subscribers replay and follow a
 * stream with {@link #subscribe}.
 *
 * <p>Thread-safe. The daemon runs {@link #writeLoop()} and {@link #flushLoop()} on their own
 * threads.
 */
public final class EventLog {
  private static final int MAX_READ = 10_000;

  private final EventStore store;
  private final EventBus bus;
  private final EventLogMetrics metrics;
  private final Clock clock;
  private final EventLogSettings settings;
  private final ThreadFactory subscriptionThreads;
  private final EventWriteLoop writer;
  private final OutputCoalescer coalescer;

  public EventLog(
      EventStore store,
      EventBus bus,
      EventLogMetrics metrics,
      Clock clock,
      EventLogSettings settings,
      ThreadFactory subscriptionThreads) {
    this.store = store;
    this.bus = bus;
    this.metrics = metrics;
    this.clock = clock;
    this.settings = settings;
    this.subscriptionThreads = subscriptionThreads;
    this.writer =
        new EventWriteLoop(store, bus, metrics, settings.queueCapacity(), settings.maxBatch());
    this.coalescer =
        new OutputCoalescer(
            settings.chunkBytes(),
            settings.chunkLinger(),
            chunk ->
                enqueue(
                    chunk.stream(),
                    chunk.tag().isEmpty()
                        ? new EventData.OutputChunk(chunk.text())
                        : new EventData.TurnDelta(chunk.tag(), chunk.text())));
  }

  /** Appends one event; the future completes once it is committed (with its seq). */
  public CompletableFuture<StoredEvent> append(StreamName stream, EventData data) {
    return enqueue(stream, data);
  }

  /** Appends output text to a stream; it is stored as coalesced {@code task.output} chunks. */
  public void appendOutput(StreamName stream, String text) {
    coalescer.append(stream, text);
  }

  /**
   * Appends a piece of a turn's answer to its session stream; it is stored as coalesced {@code
   * turn.delta} chunks, exactly as task output is.
   */
  public void appendTurnDelta(StreamName stream, String turnId, String text) {
    coalescer.append(stream, turnId, text);
  }

  /**
   * Flushes what {@code stream} has buffered, so that an event appended next comes after it (for
   * example {@code turn.completed} after the last delta).
   */
  public void flushOutput(StreamName stream) {
    coalescer.flush(stream);
  }

  /** Flushes buffered output of every stream now. */
  public void flushOutput() {
    coalescer.flush(true);
  }

  /** Replays {@code stream} after {@code afterSeq}, then follows it live. */
  public Subscription subscribe(StreamName stream, long afterSeq, Subscription.Sink sink) {
    Subscription subscription =
        new Subscription(
            stream,
            afterSeq,
            store,
            bus,
            metrics,
            settings.subscriberQueue(),
            sink,
            subscriptionThreads);
    subscription.start();
    return subscription;
  }

  /** Up to {@code limit} (at most 10,000) events after {@code afterSeq}. */
  public List<StoredEvent> read(StreamName stream, long afterSeq, int limit) {
    return store.read(stream, afterSeq, Math.max(1, Math.min(limit, MAX_READ)));
  }

  /** The stream's highest seq, 0 when empty. */
  public long lastSeq(StreamName stream) {
    return store.lastSeq(stream);
  }

  /** Deletes old output per the retention settings; returns how many events went. */
  public int applyRetention() {
    return store.applyRetention(
        clock.instant().minus(settings.outputRetention()), settings.outputMaxBytesPerStream());
  }

  /** The group-commit writer; run it on its own thread. */
  public EventWriteLoop writeLoop() {
    return writer;
  }

  /** Flushes lingering output chunks; run it on its own thread. */
  public Runnable flushLoop() {
    return () -> {
      long pauseMillis = Math.max(1, settings.chunkLinger().toMillis() / 2);
      while (!Thread.currentThread().isInterrupted()) {
        try {
          coalescer.flush(false);
          Thread.sleep(pauseMillis);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    };
  }

  /** Subscriber listeners registered on the bus. */
  public int listenerCount() {
    return bus.listenerCount();
  }

  /** Flushes output and stops the writer once everything queued is stored. */
  public void shutdown() {
    coalescer.flush(true);
    writer.stop();
  }

  private CompletableFuture<StoredEvent> enqueue(StreamName stream, EventData data) {
    String json;
    try {
      json = Json.mapper().writeValueAsString(data);
    } catch (JsonProcessingException e) {
      return CompletableFuture.failedFuture(e);
    }
    return writer.enqueue(new NewEvent(stream, data.type(), clock.instant(), json));
  }
}
