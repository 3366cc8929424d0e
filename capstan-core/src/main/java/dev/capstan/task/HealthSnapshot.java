package dev.capstan.task;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What the health loop decides on.
 *
 * <p>Immutable and thread-safe.
 *
 * @param now the time of the check
 * @param active tasks the store has provisioning or running
 * @param supervised ids of tasks whose attempt has a live supervisor in this daemon
 * @param worktrees task worktrees found on disk
 * @param knownTaskIds which of the worktrees' task ids exist in the store
 * @param provisionTimeouts provisioning timeout per repo (a missing repo has {@code
 *     defaultProvisionTimeout})
 * @param defaultProvisionTimeout the global provisioning timeout
 */
public record HealthSnapshot(
    Instant now,
    List<Task> active,
    Set<Long> supervised,
    List<Worktree> worktrees,
    Set<Long> knownTaskIds,
    Map<String, Duration> provisionTimeouts,
    Duration defaultProvisionTimeout) {
  public HealthSnapshot {
    Objects.requireNonNull(now, "now");
    active = List.copyOf(active);
    supervised = Set.copyOf(supervised);
    worktrees = List.copyOf(worktrees);
    knownTaskIds = Set.copyOf(knownTaskIds);
    provisionTimeouts = Map.copyOf(provisionTimeouts);
    Objects.requireNonNull(defaultProvisionTimeout, "defaultProvisionTimeout");
  }

  /**
   * A worktree on disk.
   *
   * @param path where
   * @param repo the repo it belongs to
   * @param taskId the task it was made for, when its name says so
   */
  public record Worktree(Path path, String repo, Optional<Long> taskId) {
    public Worktree {
      Objects.requireNonNull(path, "path");
      Objects.requireNonNull(repo, "repo");
      Objects.requireNonNull(taskId, "taskId");
    }
  }
}
