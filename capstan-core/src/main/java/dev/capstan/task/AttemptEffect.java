package dev.capstan.task;

import java.util.Objects;
import java.util.Optional;

/**
 * What a state change does to the task's attempts, in the same transaction.
 *
 * <p>Implementations are immutable and thread-safe.
 */
public sealed interface AttemptEffect {
  /** Leaves the attempts alone. */
  record None() implements AttemptEffect {}

  /**
   * Begins the next attempt (number = the task's attempt + 1, outcome {@code running}) and makes it
   * the task's latest; the task's branch becomes {@code branch} and its workspace is cleared.
   *
   * @param agent the agent that will run
   * @param branch the branch it works on
   */
  record Begin(String agent, String branch) implements AttemptEffect {
    public Begin {
      Objects.requireNonNull(agent, "agent");
      Objects.requireNonNull(branch, "branch");
    }
  }

  /**
   * Records the latest attempt's workspace (and the task's), once provisioned.
   *
   * @param workspace the worktree path
   */
  record Provisioned(String workspace) implements AttemptEffect {
    public Provisioned {
      Objects.requireNonNull(workspace, "workspace");
    }
  }

  /**
   * Ends the latest attempt, if it is still running.
   *
   * @param outcome how it ended (not {@code running})
   * @param exitCode the agent's exit code, if it exited
   * @param reason why, in words
   * @param diffstat what its commit changed
   * @param commit the commit it made
   */
  record End(
      AttemptOutcome outcome,
      Optional<Integer> exitCode,
      Optional<String> reason,
      Optional<Diffstat> diffstat,
      Optional<String> commit)
      implements AttemptEffect {
    public End {
      Objects.requireNonNull(outcome, "outcome");
      Objects.requireNonNull(exitCode, "exitCode");
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(diffstat, "diffstat");
      Objects.requireNonNull(commit, "commit");
      if (outcome == AttemptOutcome.RUNNING) {
        throw new IllegalArgumentException("an ended attempt has an outcome other than running");
      }
    }

    /** An end with an outcome and a reason, nothing else. */
    public static End of(AttemptOutcome outcome, String reason) {
      return new End(
          outcome, Optional.empty(), Optional.of(reason), Optional.empty(), Optional.empty());
    }
  }
}
