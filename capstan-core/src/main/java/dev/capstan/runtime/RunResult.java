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

  /**
   * An agent that runs inside the daemon (the built-in agent) ended without doing its job, for a
   * reason it can name: the LLM server was unreachable, the model kept calling tools, ...
   *
   * @param code a stable code, for example {@code LLM_UNREACHABLE}
   * @param message a sentence for a person
   */
  record Failed(String code, String message) implements RunResult {
    public Failed {
      Objects.requireNonNull(code, "code");
      Objects.requireNonNull(message, "message");
    }

    /** One line for the attempt's reason. */
    public String reason() {
      return code + ": " + message;
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
