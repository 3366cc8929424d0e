package dev.capstan.task;

import java.util.List;

/**
 * The pure recovery decision for tasks whose attempt lost its supervisor: the daemon died (found on
 * start) or the worker vanished (found by the health loop).
 *
 * <p>Thread-safe (stateless).
 */
public final class Recovery {
  private Recovery() {}

  /**
   * Decides for each task that is provisioning or running without a live supervisor.
   *
   * @param orphaned the tasks found (others are ignored)
   * @param autoRetryLimit how many automatic re-queues a task gets before it fails
   * @param cause what happened, for the message, for example "the daemon stopped"
   */
  public static List<RecoveryDecision> plan(List<Task> orphaned, int autoRetryLimit, String cause) {
    return orphaned.stream()
        .filter(task -> task.state().isActive())
        .map(task -> decide(task, autoRetryLimit, cause))
        .toList();
  }

  private static RecoveryDecision decide(Task task, int autoRetryLimit, String cause) {
    String what = "attempt " + task.attempt() + " interrupted while " + task.state() + ": " + cause;
    if (task.autoRetries() < autoRetryLimit) {
      return new RecoveryDecision.Requeue(
          task,
          what
              + "; re-queued, automatic retry "
              + (task.autoRetries() + 1)
              + " of "
              + autoRetryLimit);
    }
    return new RecoveryDecision.Fail(
        task, what + "; automatic retries exhausted (" + autoRetryLimit + "), task failed");
  }
}
