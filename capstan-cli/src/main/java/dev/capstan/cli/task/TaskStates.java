package dev.capstan.cli.task;

import java.util.List;
import java.util.Set;

/**
 * The task states of the state machine, as the API names them, and which of them end a task's run.
 *
 * <p>Thread-safe (immutable).
 */
final class TaskStates {
  static final List<String> ALL =
      List.of(
          "queued",
          "provisioning",
          "running",
          "pr_opened",
          "needs_attention",
          "completed",
          "failed",
          "cancelled");

  /** States a follower stops at: nothing runs any more until someone acts. */
  static final Set<String> SETTLED = Set.of("completed", "failed", "cancelled", "needs_attention");

  private TaskStates() {}
}
