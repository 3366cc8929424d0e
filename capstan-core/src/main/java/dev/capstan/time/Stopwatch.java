package dev.capstan.time;

import java.time.Duration;

/**
 * Measures elapsed time on the monotonic clock ({@link System#nanoTime()}), never on the wall
 * clock.
 *
 * <p>Immutable and thread-safe.
 */
public final class Stopwatch {
  private final long startNanos;

  private Stopwatch(long startNanos) {
    this.startNanos = startNanos;
  }

  /** Starts a stopwatch now. */
  public static Stopwatch start() {
    return new Stopwatch(System.nanoTime());
  }

  /** Time since {@link #start()}. */
  public Duration elapsed() {
    return Duration.ofNanos(System.nanoTime() - startNanos);
  }

  /** Whether at least {@code limit} has passed since {@link #start()}. */
  public boolean hasElapsed(Duration limit) {
    return elapsed().compareTo(limit) >= 0;
  }

  /** What is left of {@code limit}, never negative. */
  public Duration remaining(Duration limit) {
    Duration left = limit.minus(elapsed());
    return left.isNegative() ? Duration.ZERO : left;
  }
}
