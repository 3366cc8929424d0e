package dev.capstan.runtime;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The naming convention shared by the engine and every runtime: an attempt's branch is {@code
 * capstan/task-<id>} (generation 1) or {@code capstan/task-<id>-<n>} (generation n, after a redo),
 * and its workspace is named after the branch's last segment ({@code task-<id>[-<n>]}).
 *
 * <p>Thread-safe (stateless).
 */
public final class Workspaces {
  /** The prefix of every branch Capstan creates. */
  public static final String BRANCH_PREFIX = "capstan/";

  private static final Pattern WORKSPACE_NAME =
      Pattern.compile("task-([1-9][0-9]{0,18})(?:-([1-9][0-9]{0,8}))?");

  private Workspaces() {}

  /** The branch of a task's generation: 1 for the first branch, incremented by each redo. */
  public static String branchFor(long taskId, int generation) {
    if (taskId <= 0) {
      throw new IllegalArgumentException("taskId must be > 0, was " + taskId);
    }
    if (generation < 1) {
      throw new IllegalArgumentException("generation must be >= 1, was " + generation);
    }
    return BRANCH_PREFIX + workspaceName(taskId, generation);
  }

  /** The workspace name of a task's generation: {@code task-<id>} or {@code task-<id>-<n>}. */
  public static String workspaceName(long taskId, int generation) {
    return generation == 1 ? "task-" + taskId : "task-" + taskId + "-" + generation;
  }

  /**
   * The workspace name for a Capstan branch ({@code capstan/task-42-2} → {@code task-42-2}), or
   * empty when the branch does not follow the convention.
   */
  public static Optional<String> workspaceNameOf(String branch) {
    if (branch == null || !branch.startsWith(BRANCH_PREFIX)) {
      return Optional.empty();
    }
    String name = branch.substring(BRANCH_PREFIX.length());
    return WORKSPACE_NAME.matcher(name).matches() ? Optional.of(name) : Optional.empty();
  }

  /** The task id that a workspace name carries ({@code task-42-2} → 42), if it is one of ours. */
  public static Optional<Long> taskIdOf(String workspaceName) {
    Matcher matcher = WORKSPACE_NAME.matcher(workspaceName == null ? "" : workspaceName);
    if (!matcher.matches()) {
      return Optional.empty();
    }
    try {
      return Optional.of(Long.parseLong(matcher.group(1)));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }
}
