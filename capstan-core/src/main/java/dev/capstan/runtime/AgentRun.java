package dev.capstan.runtime;

import java.time.Duration;
import java.util.Optional;

/**
 * The handle of one running agent, returned by {@link TaskRuntime#launch}. The run enforces its own
 * {@link RunLimits}: when one passes, the agent's whole process tree is killed and {@link #await}
 * reports {@link RunResult.TimedOut}.
 *
 * <p>Thread-safe: one thread usually awaits while another may cancel.
 */
public interface AgentRun {

  /** The marker every process of this run carries in its environment. */
  RunMarker marker();

  /**
   * The operating-system id of the agent's main process (locally also its process group and session
   * id); empty where the runtime has no such id (a pod).
   */
  Optional<Long> pid();

  /** Whether the agent (or anything it started that the runtime tracks) still runs. */
  boolean isAlive();

  /**
   * Waits for the run to end, at most {@code timeout}, and returns its result; empty when the
   * timeout passed first (the run goes on).
   */
  Optional<RunResult> await(Duration timeout) throws InterruptedException;

  /**
   * Waits for the run to end; the run's own deadlines bound the wait.
   *
   * @return how the run ended
   */
  RunResult await() throws InterruptedException;

  /**
   * Stops the run: the whole process tree is terminated (SIGTERM, then SIGKILL after a grace of at
   * most 3 s), so that nothing of it is left within 5 s. Idempotent; {@link #await} then reports
   * {@link RunResult.Cancelled} unless the run had already ended.
   */
  void cancel();
}
