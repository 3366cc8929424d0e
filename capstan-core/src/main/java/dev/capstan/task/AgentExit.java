package dev.capstan.task;

import java.util.Objects;
import java.util.Optional;

/**
 * The pure reading of how an agent process ended: its outcome, the reason users see, and the worker
 * health event it is worth, if any.
 *
 * <p>Immutable and thread-safe.
 *
 * @param outcome the attempt's outcome
 * @param reason why, in words
 * @param health the health event kind to record, if any
 */
public record AgentExit(AttemptOutcome outcome, String reason, Optional<HealthKind> health) {
  private static final int SIGNAL_BASE = 128;
  private static final int SIGKILL = 9;

  public AgentExit {
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(health, "health");
  }

  /**
   * Classifies an exit code of an agent process that Capstan did not kill: 0 succeeded; 128+9
   * (SIGKILL from outside, what the kernel's OOM killer sends) is {@code oom_killed}; another 128+N
   * is a crash by signal N; anything else is a plain failure.
   */
  public static AgentExit classify(int exitCode) {
    if (exitCode == 0) {
      return new AgentExit(AttemptOutcome.SUCCEEDED, "agent exited 0", Optional.empty());
    }
    if (exitCode == SIGNAL_BASE + SIGKILL) {
      return new AgentExit(
          AttemptOutcome.FAILED,
          "agent was killed by SIGKILL that Capstan did not send (exit 137; most likely out of"
              + " memory)",
          Optional.of(HealthKind.OOM_KILLED));
    }
    if (exitCode > SIGNAL_BASE && exitCode <= SIGNAL_BASE + 64) {
      int signal = exitCode - SIGNAL_BASE;
      return new AgentExit(
          AttemptOutcome.FAILED,
          "agent crashed: killed by signal " + signal + " (exit " + exitCode + ")",
          Optional.of(HealthKind.CRASHED));
    }
    return new AgentExit(
        AttemptOutcome.FAILED, "agent exited with code " + exitCode, Optional.empty());
  }
}
