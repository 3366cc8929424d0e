package dev.capstan.tool;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A one-shot cancel signal for one turn or task: whoever runs work registers what to stop, and
 * {@link #cancel()} stops it all. A callback registered after the cancel runs at once.
 *
 * <p>Thread-safe.
 */
public final class CancelToken {
  private static final Logger LOG = LoggerFactory.getLogger(CancelToken.class);

  private final AtomicBoolean cancelled = new AtomicBoolean();
  private final List<Runnable> callbacks = new CopyOnWriteArrayList<>();

  /** Cancels: runs every registered callback once. Idempotent. */
  public void cancel() {
    if (cancelled.compareAndSet(false, true)) {
      for (Runnable callback : callbacks) {
        run(callback);
      }
    }
  }

  /** Whether {@link #cancel()} was called. */
  public boolean isCancelled() {
    return cancelled.get();
  }

  /**
   * Registers {@code callback} to run on cancel (at once when already cancelled).
   *
   * @return a handle that unregisters it
   */
  public Registration onCancel(Runnable callback) {
    AtomicBoolean ran = new AtomicBoolean();
    // why: cancel() may race with this registration; the flag makes the callback run exactly once.
    Runnable once =
        () -> {
          if (ran.compareAndSet(false, true)) {
            callback.run();
          }
        };
    callbacks.add(once);
    if (cancelled.get()) {
      run(once);
    }
    return () -> callbacks.remove(once);
  }

  private static void run(Runnable callback) {
    try {
      callback.run();
    } catch (RuntimeException e) {
      LOG.warn("a cancel callback failed; the rest still run", e);
    }
  }

  /** Unregisters a cancel callback. */
  @FunctionalInterface
  public interface Registration extends AutoCloseable {
    @Override
    void close();
  }
}
