package dev.capstan.agent;

import dev.capstan.runtime.AgentRun;
import dev.capstan.runtime.RuntimeFailure;

/**
 * An agent that runs inside the daemon instead of as a program of its own (the {@code builtin}
 * agent): the runtime hands it the ready workspace and it returns the same {@link AgentRun} handle
 * a process would, so the task engine supervises it the same way (run and idle deadlines, cancel,
 * exit outcome, commit on success).
 *
 * <p>Implementations are thread-safe: one instance serves every task.
 */
public interface InProcessAgent extends Agent {

  /**
   * Starts the agent for one attempt and returns at once. The run enforces {@link
   * InProcessLaunch#limits()} itself, as a process run does.
   */
  AgentRun start(InProcessLaunch launch);

  /** An in-process agent has no command line; a runtime that can only start programs refuses it. */
  @Override
  default AgentLaunch launch(AgentContext context) {
    throw new RuntimeFailure(
        "the '" + name() + "' agent runs inside the daemon and has no command line",
        "run it on a runtime that supports in-process agents (the local runtime does)");
  }
}
