package dev.capstan.time;

import java.time.Clock;

/**
 * The one place production code obtains a wall clock. Everything else receives a {@link Clock} from
 * its caller, so tests can pass a {@code MutableClock}.
 *
 * <p>Thread-safe (stateless).
 */
public final class Clocks {
  private Clocks() {}

  /** The system clock in UTC. */
  public static Clock system() {
    return Clock.systemUTC();
  }
}
