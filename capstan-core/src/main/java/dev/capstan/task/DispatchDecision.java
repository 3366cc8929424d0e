package dev.capstan.task;

import java.util.Objects;

/**
 * The dispatcher's decision for one queued task.
 *
 * <p>Implementations are immutable and thread-safe.
 */
public sealed interface DispatchDecision {
  /** The task it concerns. */
  long taskId();

  /**
   * Start it now.
   *
   * @param taskId the task
   * @param repo its repo
   */
  record Start(long taskId, String repo) implements DispatchDecision {
    public Start {
      Objects.requireNonNull(repo, "repo");
    }
  }

  /**
   * Leave it queued.
   *
   * @param taskId the task
   * @param reason why it waits
   */
  record Wait(long taskId, PendingReason reason) implements DispatchDecision {
    public Wait {
      Objects.requireNonNull(reason, "reason");
    }
  }
}
