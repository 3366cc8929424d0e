package dev.capstan.runtime;

import java.time.Duration;
import java.util.Objects;

/**
 * The deadlines of one agent run.
 *
 * <p>Immutable and thread-safe.
 *
 * @param runTimeout the longest the agent may run in total
 * @param idleTimeout the longest the agent may go without writing any output
 */
public record RunLimits(Duration runTimeout, Duration idleTimeout) {
  public RunLimits {
    requirePositive("runTimeout", runTimeout);
    requirePositive("idleTimeout", idleTimeout);
  }

  private static void requirePositive(String name, Duration value) {
    Objects.requireNonNull(value, name);
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, was " + value);
    }
  }
}
