package dev.capstan.runtime;

import java.util.Objects;

/**
 * Names a workspace independently of where it lives: the repo, the task and the workspace's name
 * ({@code task-<id>} or {@code task-<id>-<n>}). The engine stores it with the attempt so that gc
 * and recovery can find the workspace again after a restart.
 *
 * <p>Immutable and thread-safe.
 */
public record WorkspaceRef(String repo, long taskId, String name) {
  public WorkspaceRef {
    Names.requireValidName("repo", repo);
    if (taskId <= 0) {
      throw new IllegalArgumentException("taskId must be > 0, was " + taskId);
    }
    Objects.requireNonNull(name, "name");
    Names.requireValidName("workspace", name);
  }
}
