package dev.capstan.task;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One row of {@code worker_health_events}.
 *
 * <p>Immutable and thread-safe.
 *
 * @param id its id, 0 before it is stored
 * @param kind what happened
 * @param worker the worker, for example {@code local/acme}
 * @param repo the repo
 * @param taskId the task concerned, if any
 * @param message a sentence for a person
 * @param at when
 */
public record HealthEvent(
    long id,
    HealthKind kind,
    String worker,
    String repo,
    Optional<Long> taskId,
    String message,
    Instant at) {
  public HealthEvent {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(worker, "worker");
    Objects.requireNonNull(repo, "repo");
    Objects.requireNonNull(taskId, "taskId");
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(at, "at");
  }
}
