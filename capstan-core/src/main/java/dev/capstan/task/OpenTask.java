package dev.capstan.task;

import java.time.Instant;
import java.util.Objects;

/**
 * An unfinished task as the dispatcher sees it: enough to order it and count its slot, without its
 * prompt, title or command.
 *
 * <p>Immutable and thread-safe.
 *
 * @param id the task
 * @param repo its repo
 * @param priority higher first
 * @param createdAt earlier first among equal priorities
 * @param state queued, provisioning or running
 */
public record OpenTask(long id, String repo, int priority, Instant createdAt, TaskState state) {
  public OpenTask {
    Objects.requireNonNull(repo, "repo");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(state, "state");
  }
}
