package dev.capstan.task;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The pure health decision over a {@link HealthSnapshot}: active tasks without a supervisor,
 * worktrees of no task, and tasks stuck in provisioning.
 *
 * <p>Thread-safe (stateless).
 */
public final class HealthCheck {
  private HealthCheck() {}

  /** The findings, tasks first, then worktrees. */
  public static List<HealthDecision> decide(HealthSnapshot snapshot) {
    List<HealthDecision> found = new ArrayList<>();
    for (Task task : snapshot.active()) {
      if (!task.state().isActive()) {
        continue;
      }
      if (!snapshot.supervised().contains(task.id())) {
        found.add(new HealthDecision.LostWorker(task));
        continue;
      }
      Duration timeout =
          snapshot
              .provisionTimeouts()
              .getOrDefault(task.repo(), snapshot.defaultProvisionTimeout());
      Duration elapsed = Duration.between(task.updatedAt(), snapshot.now());
      if (task.state() == TaskState.PROVISIONING && elapsed.compareTo(timeout) > 0) {
        found.add(new HealthDecision.StuckProvisioning(task, elapsed));
      }
    }
    for (HealthSnapshot.Worktree worktree : snapshot.worktrees()) {
      boolean owned =
          worktree.taskId().map(id -> snapshot.knownTaskIds().contains(id)).orElse(false);
      if (!owned) {
        found.add(new HealthDecision.OrphanWorktree(worktree));
      }
    }
    return List.copyOf(found);
  }
}
