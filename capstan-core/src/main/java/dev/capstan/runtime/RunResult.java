package dev.capstan.runtime;

import java.time.Duration;
import java.util.Objects;

/**
 * How an agent run ended. Switch over it exhaustively.
 *
 * <p>Immutable and thread-safe.
 */
public sealed interface RunResult {

  /** The agent exited by itself with {@code code} (0 means success). */
  record Exited(int code) implements RunResult {}

  /**
   * The agent was killed by a signal that Capstan did not send: it crashed or the kernel's OOM
   * killer ended it.
   *
   * @param signal the signal number (9 for SIGKILL, 11 for SIGSEGV, ...)
   * @param cause the best-effort classification, see {@link DeathCause#classify}
   */
  record Killed(int signal, DeathCause cause) implements RunResult {
    public Killed {
      Objects.requireNonNull(cause, "cause");
    }

    /** The exit code a shell would report for this death (128 + signal). */
    public int exitCode() {
      return 128 + signal;
    }
  }

  /** A deadline passed and the process tree was killed. */
  record TimedOut(TimeoutPhase phase, Duration limit) implements RunResult {
    public TimedOut {
      Objects.requireNonNull(phase, "phase");
      Objects.requireNonNull(limit, "limit");
    }

    /** One line for the attempt's reason. */
    public String reason() {
      return switch (phase) {
        case PROVISIONING -> "provisioning took longer than " + limit;
        case RUN -> "the agent ran longer than the run timeout of " + limit;
        case IDLE -> "the agent wrote no output for " + limit + " (idle timeout)";
      };
    }
  }

  /** {@link AgentRun#cancel()} stopped the run. */
  record Cancelled() implements RunResult {}

  /** The deadline that a {@link TimedOut} names. */
  enum TimeoutPhase {
    /** Creating the workspace and running the setup command. */
    PROVISIONING,
    /** The total run time of the agent. */
    RUN,
    /** The time without any output from the agent. */
    IDLE
  }
}
