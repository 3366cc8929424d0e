package dev.capstan.daemon.task;

import java.util.Objects;

/**
 * What the HTTP routes of repos, tasks, limits, cluster and gc work with.
 *
 * <p>Immutable and thread-safe (its parts are thread-safe).
 *
 * @param engine tasks and limits
 * @param repos repo registration
 * @param gc worktree collection
 */
public record TaskApi(TaskEngine engine, RepoService repos, TaskGc gc) {
  public TaskApi {
    Objects.requireNonNull(engine, "engine");
    Objects.requireNonNull(repos, "repos");
    Objects.requireNonNull(gc, "gc");
  }
}
