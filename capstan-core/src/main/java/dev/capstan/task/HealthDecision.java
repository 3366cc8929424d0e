package dev.capstan.task;

import java.time.Duration;
import java.util.Objects;

/**
 * One finding of the health loop.
 *
 * <p>Implementations are immutable and thread-safe.
 */
public sealed interface HealthDecision {
  /**
   * The store says the task is provisioning or running, but no supervisor in this daemon runs it:
   * its agent process is gone. Recorded as {@code crashed}; the task is recovered like an
   * interrupted one.
   *
   * @param task the task
   */
  record LostWorker(Task task) implements HealthDecision {
    public LostWorker {
      Objects.requireNonNull(task, "task");
    }
  }

  /**
   * A worktree on disk that belongs to no task: removed and recorded as {@code orphan_cleaned}.
   *
   * @param worktree the worktree
   */
  record OrphanWorktree(HealthSnapshot.Worktree worktree) implements HealthDecision {
    public OrphanWorktree {
      Objects.requireNonNull(worktree, "worktree");
    }
  }

  /**
   * A supervised task has been provisioning for longer than its timeout: reported as {@code
   * stuck_provisioning}.
   *
   * @param task the task
   * @param elapsed how long it has been provisioning
   */
  record StuckProvisioning(Task task, Duration elapsed) implements HealthDecision {
    public StuckProvisioning {
      Objects.requireNonNull(task, "task");
      Objects.requireNonNull(elapsed, "elapsed");
    }
  }
}
