package dev.capstan.task;

import dev.capstan.error.CapstanException;
import dev.capstan.error.ErrorCode;

/** A task action that its current state does not allow. */
public final class InvalidTransition extends CapstanException {
  private static final long serialVersionUID = 1L;

  /** For an action refused in the task's current state. */
  public InvalidTransition(long taskId, TaskState current, String action) {
    super(
        ErrorCode.INVALID_TRANSITION,
        "Cannot " + action + " task " + taskId + ": it is " + current + ".",
        hintFor(current, action));
  }

  private static String hintFor(TaskState current, String action) {
    return switch (current) {
      case COMPLETED -> "A completed task stays completed; submit a new task to run it again.";
      case QUEUED, PROVISIONING, RUNNING ->
          "Wait for it to finish or cancel it (`capstan task cancel`), then " + action + ".";
      default -> "See the task state machine in the README for the allowed actions.";
    };
  }
}
