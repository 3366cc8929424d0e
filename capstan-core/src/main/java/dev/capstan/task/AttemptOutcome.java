package dev.capstan.task;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * How an attempt ended, or {@link #RUNNING} while it has not.
 *
 * <p>Immutable and thread-safe.
 */
public enum AttemptOutcome {
  RUNNING,
  SUCCEEDED,
  FAILED,
  CANCELLED,
  INTERRUPTED,
  TIMED_OUT;

  /** The name on the wire and in the database, for example {@code timed_out}. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The outcome with this wire name, if any. */
  public static Optional<AttemptOutcome> fromWireName(String name) {
    return Arrays.stream(values()).filter(outcome -> outcome.wireName().equals(name)).findFirst();
  }

  @Override
  public String toString() {
    return wireName();
  }
}
