package dev.capstan.task;

import java.time.Instant;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * A request to move one task from one state to another, applied by {@link TaskStore#transition}
 * with compare-and-set on the state and the attempt number.
 *
 * <p>Immutable and thread-safe.
 *
 * @param taskId the task
 * @param from the state it must be in
 * @param to the state it moves to
 * @param expectedAttempt the attempt number it must have (guards against an old attempt's late
 *     finish applying to a newer attempt)
 * @param trigger what caused it (audit)
 * @param message a sentence for a person (audit, event)
 * @param at when
 * @param effect what happens to its attempts
 * @param counters counters bumped by this change
 */
public record StateChange(
    long taskId,
    TaskState from,
    TaskState to,
    int expectedAttempt,
    String trigger,
    String message,
    Instant at,
    AttemptEffect effect,
    Set<Counter> counters) {
  public StateChange {
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    Objects.requireNonNull(trigger, "trigger");
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(effect, "effect");
    counters = counters.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(counters));
  }

  /** Task counters a change may bump. */
  public enum Counter {
    /** A retry a person asked for. */
    RETRIES,
    /** An automatic re-queue after an interruption. */
    AUTO_RETRIES,
    /** A redo: the next attempt gets a new branch. */
    GENERATION
  }
}
