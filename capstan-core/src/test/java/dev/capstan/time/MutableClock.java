package dev.capstan.time;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A {@link Clock} that stands still until a test moves it with {@link #advance(Duration)} or {@link
 * #set(Instant)}.
 *
 * <p>Thread-safe: the current instant is held in an atomic reference, so a test thread may move the
 * clock while other threads read it. Clocks obtained with {@link #withZone(ZoneId)} share that
 * reference and move together.
 */
public final class MutableClock extends Clock {
  /** An arbitrary, fixed starting point, so tests never depend on when they run. */
  public static final Instant DEFAULT_START = Instant.parse("2030-01-02T03:04:05Z");

  private final AtomicReference<Instant> now;
  private final ZoneId zone;

  private MutableClock(AtomicReference<Instant> now, ZoneId zone) {
    this.now = now;
    this.zone = zone;
  }

  /** A clock in UTC standing at {@link #DEFAULT_START}. */
  public static MutableClock create() {
    return at(DEFAULT_START);
  }

  /** A clock in UTC standing at {@code start}. */
  public static MutableClock at(Instant start) {
    return new MutableClock(
        new AtomicReference<>(Objects.requireNonNull(start, "start")), ZoneOffset.UTC);
  }

  /**
   * Moves the clock forward (or backward, for a negative amount) and returns the new instant.
   *
   * @param amount how far to move
   */
  public Instant advance(Duration amount) {
    Objects.requireNonNull(amount, "amount");
    return now.updateAndGet(current -> current.plus(amount));
  }

  /** Puts the clock at {@code instant}. */
  public void set(Instant instant) {
    now.set(Objects.requireNonNull(instant, "instant"));
  }

  @Override
  public Instant instant() {
    return now.get();
  }

  @Override
  public ZoneId getZone() {
    return zone;
  }

  @Override
  public Clock withZone(ZoneId newZone) {
    return new MutableClock(now, Objects.requireNonNull(newZone, "newZone"));
  }

  @Override
  public String toString() {
    return "MutableClock[" + now.get() + ", " + zone + "]";
  }
}
