package dev.capstan.task;

import java.util.Objects;

/**
 * What happens to a task that a dead daemon (or a lost worker) left provisioning or running: its
 * attempt is recorded as {@code interrupted}, then the task is re-queued or, once its automatic
 * retries are used up, failed.
 *
 * <p>Implementations are immutable and thread-safe.
 */
public sealed interface RecoveryDecision {
  /** The task it concerns, as it was found. */
  Task task();

  /** The sentence recorded with the change. */
  String message();

  /**
   * Re-queue it; counts one automatic retry.
   *
   * @param task the task as found
   * @param message why
   */
  record Requeue(Task task, String message) implements RecoveryDecision {
    public Requeue {
      Objects.requireNonNull(task, "task");
      Objects.requireNonNull(message, "message");
    }
  }

  /**
   * Fail it: its automatic retries are used up.
   *
   * @param task the task as found
   * @param message why
   */
  record Fail(Task task, String message) implements RecoveryDecision {
    public Fail {
      Objects.requireNonNull(task, "task");
      Objects.requireNonNull(message, "message");
    }
  }
}
