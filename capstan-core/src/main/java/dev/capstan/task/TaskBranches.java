package dev.capstan.task;

/**
 * Branch names of tasks: {@code capstan/task-<id>} for the first generation, {@code
 * capstan/task-<id>-r<n>} after the n-th generation's redo (a redo starts generation 2, so its
 * branch is {@code -r2}).
 *
 * <p>Thread-safe (stateless).
 */
public final class TaskBranches {
  private TaskBranches() {}

  /** The branch of task {@code taskId} in {@code generation}. */
  public static String name(long taskId, int generation) {
    if (generation < 1) {
      throw new IllegalArgumentException("generation starts at 1, was " + generation);
    }
    return generation == 1
        ? "capstan/task-" + taskId
        : "capstan/task-" + taskId + "-r" + generation;
  }
}
