package dev.capstan.task;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One execution of a task. Attempts are history: retry, restart and redo add attempts and never
 * erase one.
 *
 * <p>Immutable and thread-safe.
 *
 * @param taskId the task
 * @param number 1 for the first attempt, then 2, 3, ...
 * @param agent the agent that ran
 * @param workspace the worktree it ran in, once provisioned
 * @param branch the branch it worked on
 * @param startedAt when provisioning began
 * @param endedAt when it ended
 * @param exitCode the agent's exit code, when it exited
 * @param outcome how it ended, {@code running} while it has not
 * @param reason why it ended the way it did, in words
 * @param diffstat what its commit changed, when it committed
 * @param commit the commit it made, if any
 */
public record Attempt(
    long taskId,
    int number,
    String agent,
    Optional<String> workspace,
    String branch,
    Instant startedAt,
    Optional<Instant> endedAt,
    Optional<Integer> exitCode,
    AttemptOutcome outcome,
    Optional<String> reason,
    Optional<Diffstat> diffstat,
    Optional<String> commit) {
  public Attempt {
    Objects.requireNonNull(agent, "agent");
    Objects.requireNonNull(workspace, "workspace");
    Objects.requireNonNull(branch, "branch");
    Objects.requireNonNull(startedAt, "startedAt");
    Objects.requireNonNull(endedAt, "endedAt");
    Objects.requireNonNull(exitCode, "exitCode");
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(diffstat, "diffstat");
    Objects.requireNonNull(commit, "commit");
    if (number < 1) {
      throw new IllegalArgumentException("attempt numbers start at 1, was " + number);
    }
  }
}
