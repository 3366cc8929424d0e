package dev.capstan.runtime;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A one-way switch that asks an operation in progress to stop. Cancelling is idempotent; callbacks
 * registered with {@link #onCancel} run exactly once, on the thread that cancels (or at once on the
 * registering thread when already cancelled).
 *
 * <p>Thread-safe.
 */
public final class Cancellation {
  private final AtomicBoolean cancelled = new AtomicBoolean();
  private final List<Runnable> callbacks = new CopyOnWriteArrayList<>();

  /** Cancels; the first call runs the callbacks, later calls do nothing. */
  public void cancel() {
    if (cancelled.compareAndSet(false, true)) {
      for (Runnable callback : callbacks) {
        callback.run();
      }
    }
  }

  /** Whether {@link #cancel()} was called. */
  public boolean isCancelled() {
    return cancelled.get();
  }

  /**
   * Runs {@code callback} on cancel. It must be quick and must not throw.
   *
   * @return a handle whose {@code run()} unregisters the callback
   */
  public Runnable onCancel(Runnable callback) {
    Runnable once = new Once(callback);
    callbacks.add(once);
    // Race: cancel() may have run its loop before the add; running `once` again is harmless.
    if (cancelled.get()) {
      once.run();
    }
    return () -> callbacks.remove(once);
  }

  private static final class Once implements Runnable {
    private final AtomicBoolean ran = new AtomicBoolean();
    private final Runnable delegate;

    Once(Runnable delegate) {
      this.delegate = delegate;
    }

    @Override
    public void run() {
      if (ran.compareAndSet(false, true)) {
        delegate.run();
      }
    }
  }
}
