package dev.capstan.runtime;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@link TaskRuntime#provision} needs to create the workspace of one attempt.
 *
 * <p>Immutable and thread-safe.
 *
 * @param repo the repo's registered name (a valid {@link Names#requireValidName name})
 * @param repoPath the repo's git checkout (never modified: its HEAD, index and working tree stay as
 *     they are)
 * @param taskId the task
 * @param attempt the attempt number, from 1
 * @param baseBranch the repo's base branch that a new branch starts from
 * @param branch the attempt's branch, usually {@link Workspaces#branchFor(long, int)}
 * @param mode whether the branch is created from the base or an existing one is continued
 * @param setupCommand the repo's setup command, run in the workspace with {@code /bin/sh -c}
 * @param timeout the provisioning deadline (worktree creation plus setup)
 */
public record ProvisionRequest(
    String repo,
    Path repoPath,
    long taskId,
    int attempt,
    String baseBranch,
    String branch,
    BranchMode mode,
    Optional<String> setupCommand,
    Duration timeout) {

  public ProvisionRequest {
    Names.requireValidName("repo", repo);
    Objects.requireNonNull(repoPath, "repoPath");
    if (taskId <= 0) {
      throw new IllegalArgumentException("taskId must be > 0, was " + taskId);
    }
    if (attempt < 1) {
      throw new IllegalArgumentException("attempt must be >= 1, was " + attempt);
    }
    Objects.requireNonNull(baseBranch, "baseBranch");
    Objects.requireNonNull(branch, "branch");
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(setupCommand, "setupCommand");
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive, was " + timeout);
    }
  }

  /** How the attempt's branch comes to be. */
  public enum BranchMode {
    /**
     * Create the branch from the base branch (first attempt, retry, redo). A leftover branch of a
     * crashed provisioning that still points at the base is reused; a branch with commits of its
     * own is refused, never overwritten.
     */
    CREATE,
    /**
     * Continue an existing branch (force restart). A leftover worktree of that branch is reused as
     * it is, including uncommitted changes; a missing branch is an error.
     */
    CONTINUE
  }
}
