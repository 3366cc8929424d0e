package dev.capstan.event;

import dev.capstan.time.Stopwatch;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single writer of the event log (group commit): drains whatever producers queued, up to a
 * batch, stores it in one transaction, completes the producers' futures and only then publishes the
 * events. Thousands of appends per second cost a few commits.
 *
 * <p>Producers call {@link #enqueue} from any thread; {@link #run} runs on one thread until {@link
 * #stop}; tests call {@link #runOnce} directly.
 */
public final class EventWriteLoop implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(EventWriteLoop.class);

  private final EventStore store;
  private final EventBus bus;
  private final EventLogMetrics metrics;
  private final int maxBatch;
  private final BlockingQueue<Pending> queue;
  private volatile boolean stopping;

  /** An event and the future its producer waits on. */
  record Pending(NewEvent event, CompletableFuture<StoredEvent> done) {}

  public EventWriteLoop(
      EventStore store, EventBus bus, EventLogMetrics metrics, int queueCapacity, int maxBatch) {
    this.store = store;
    this.bus = bus;
    this.metrics = metrics;
    this.maxBatch = maxBatch;
    this.queue = new ArrayBlockingQueue<>(queueCapacity);
  }

  /** Queues an event, blocking while the queue is full (backpressure). */
  public CompletableFuture<StoredEvent> enqueue(NewEvent event) {
    if (stopping) {
      return CompletableFuture.failedFuture(
          new IllegalStateException(
              "the event log is shut down; event for " + event.stream() + " refused"));
    }
    CompletableFuture<StoredEvent> done = new CompletableFuture<>();
    try {
      queue.put(new Pending(event, done));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      done.completeExceptionally(e);
    }
    return done;
  }

  @Override
  public void run() {
    while (!stopping || !queue.isEmpty()) {
      try {
        Pending first = queue.poll(100, TimeUnit.MILLISECONDS);
        if (first != null) {
          write(first);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        drainRemaining();
        return;
      } catch (Throwable e) {
        log.error("event writer pass failed; continuing", e);
      }
    }
  }

  /** Writes what is queued now (one batch). Returns how many events it wrote. */
  public int runOnce() {
    Pending first = queue.poll();
    return first == null ? 0 : write(first);
  }

  /** Stops taking new events; {@link #run} returns once the queue is written. */
  public void stop() {
    stopping = true;
  }

  /** Events waiting for the writer. */
  public int queued() {
    return queue.size();
  }

  private void drainRemaining() {
    Pending next;
    while ((next = queue.poll()) != null) {
      write(next);
    }
  }

  private int write(Pending first) {
    List<Pending> batch = new ArrayList<>();
    batch.add(first);
    Stopwatch stopwatch = Stopwatch.start();
    List<StoredEvent> stored;
    try {
      // why: the batch is drained once the store lets this writer write, so whatever producers
      // queued while it waited behind other writers commits with it.
      stored =
          store.appendCollected(
              () -> {
                queue.drainTo(batch, maxBatch - batch.size());
                List<NewEvent> events = new ArrayList<>(batch.size());
                for (Pending pending : batch) {
                  events.add(pending.event());
                }
                return events;
              });
    } catch (RuntimeException e) {
      metrics.batchFailed(batch.size());
      log.error("could not store {} events; their producers get the error", batch.size(), e);
      for (Pending pending : batch) {
        pending.done().completeExceptionally(e);
      }
      return 0;
    }
    metrics.batchCommitted(batch.size(), stopwatch.elapsed().toNanos());
    for (int i = 0; i < batch.size(); i++) {
      batch.get(i).done().complete(stored.get(i));
    }
    // why: durable before visible: subscribers hear of events only after the commit.
    try {
      bus.publish(stored);
    } catch (RuntimeException e) {
      log.error(
          "publishing {} committed events failed; subscribers resume from the store",
          stored.size(),
          e);
    }
    return stored.size();
  }
}
