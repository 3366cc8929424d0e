package dev.capstan.llm;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Stops Capstan from hammering an LLM server that is down. After {@code threshold} consecutive
 * failures to reach it the breaker opens for {@code baseWindow}; requests then fail fast with
 * {@code LLM_UNREACHABLE}. When the window has passed, one request (or the health check) is let
 * through as a probe (half-open): success closes the breaker, failure opens it again for twice the
 * previous window, up to {@code maxWindow}. Any success closes it at once, so the next turn works
 * as soon as the server is back.
 *
 * <p>Thread-safe (every method is synchronized; none does I/O).
 */
public final class CircuitBreaker {
  /** Failures in a row that open the breaker. */
  public static final int DEFAULT_THRESHOLD = 3;

  /** The first open window. */
  public static final Duration DEFAULT_BASE_WINDOW = Duration.ofSeconds(2);

  /** The longest open window. */
  public static final Duration DEFAULT_MAX_WINDOW = Duration.ofSeconds(60);

  /** The states of the breaker. */
  public enum State {
    /** Requests go through. */
    CLOSED,
    /** Requests fail fast until the window ends. */
    OPEN,
    /** One probe is in flight; other requests fail fast. */
    HALF_OPEN
  }

  private final int threshold;
  private final long baseWindowNanos;
  private final long maxWindowNanos;
  private final LongSupplier nanoTime;

  private State state = State.CLOSED;
  private int consecutiveFailures;
  private long windowNanos;
  private long openUntilNanos;

  /**
   * A breaker.
   *
   * @param threshold consecutive failures that open it
   * @param baseWindow the first open window
   * @param maxWindow the longest open window
   * @param nanoTime the monotonic clock (System::nanoTime outside tests)
   */
  public CircuitBreaker(
      int threshold, Duration baseWindow, Duration maxWindow, LongSupplier nanoTime) {
    if (threshold < 1) {
      throw new IllegalArgumentException("threshold must be >= 1, was " + threshold);
    }
    this.threshold = threshold;
    this.baseWindowNanos = baseWindow.toNanos();
    this.maxWindowNanos = Math.max(maxWindow.toNanos(), baseWindowNanos);
    this.nanoTime = nanoTime;
    this.windowNanos = baseWindowNanos;
  }

  /** A breaker with the defaults, on {@link System#nanoTime()}. */
  public static CircuitBreaker withDefaults() {
    return new CircuitBreaker(
        DEFAULT_THRESHOLD, DEFAULT_BASE_WINDOW, DEFAULT_MAX_WINDOW, System::nanoTime);
  }

  /**
   * Whether a request may go to the server now. In the open state, the first call after the window
   * is the probe (the breaker turns half-open) and gets {@code true}; the others get {@code false}.
   */
  public synchronized boolean tryAcquire() {
    return switch (state) {
      case CLOSED -> true;
      case HALF_OPEN -> false;
      case OPEN -> {
        if (nanoTime.getAsLong() - openUntilNanos >= 0) {
          state = State.HALF_OPEN;
          yield true;
        }
        yield false;
      }
    };
  }

  /** The server answered: close. */
  public synchronized void recordSuccess() {
    state = State.CLOSED;
    consecutiveFailures = 0;
    windowNanos = baseWindowNanos;
  }

  /** The server could not be reached: count, and open when the threshold is reached. */
  public synchronized void recordFailure() {
    consecutiveFailures++;
    if (state == State.HALF_OPEN || (state == State.OPEN)) {
      windowNanos = Math.min(windowNanos * 2, maxWindowNanos);
      open();
    } else if (consecutiveFailures >= threshold) {
      open();
    }
  }

  /**
   * A request let through as the probe ended without telling whether the server is up (it was
   * cancelled, say): let the next request probe again.
   */
  public synchronized void releaseProbe() {
    if (state == State.HALF_OPEN) {
      state = State.OPEN;
      openUntilNanos = nanoTime.getAsLong();
    }
  }

  /** The current state (an open breaker whose window has passed still reports OPEN). */
  public synchronized State state() {
    return state;
  }

  /** Failures in a row so far. */
  public synchronized int consecutiveFailures() {
    return consecutiveFailures;
  }

  /** How long until an open breaker lets a probe through; zero when it would now. */
  public synchronized Duration retryAfter() {
    if (state != State.OPEN) {
      return Duration.ZERO;
    }
    long left = openUntilNanos - nanoTime.getAsLong();
    return left <= 0 ? Duration.ZERO : Duration.ofNanos(left);
  }

  private void open() {
    state = State.OPEN;
    openUntilNanos = nanoTime.getAsLong() + windowNanos;
  }
}
