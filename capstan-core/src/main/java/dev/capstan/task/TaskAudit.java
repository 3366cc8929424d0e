package dev.capstan.task;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One row of a task's audit history: a state change, what triggered it and why.
 *
 * <p>Immutable and thread-safe.
 *
 * @param taskId the task
 * @param at when
 * @param from the state before; empty for the creation row
 * @param to the state after
 * @param trigger what caused it, for example {@code submit}, {@code dispatch}, {@code cancel},
 *     {@code recovery}
 * @param message a sentence for a person
 */
public record TaskAudit(
    long taskId,
    Instant at,
    Optional<TaskState> from,
    TaskState to,
    String trigger,
    String message) {
  public TaskAudit {
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    Objects.requireNonNull(trigger, "trigger");
    Objects.requireNonNull(message, "message");
  }
}
