package dev.capstan.runtime;

import dev.capstan.agent.Agent;
import dev.capstan.agent.AgentTask;
import java.util.Objects;

/**
 * What {@link TaskRuntime#launch} needs to start the agent of one attempt.
 *
 * <p>Immutable and thread-safe (as far as the agent and sink are).
 *
 * @param workspace the ready workspace from {@link TaskRuntime#provision}
 * @param agent the agent that builds the command line
 * @param task the task's prompt, command and ids, as the agent sees them
 * @param limits the run's deadlines
 * @param sink receives the agent's output as it comes
 */
public record LaunchRequest(
    Workspace workspace, Agent agent, AgentTask task, RunLimits limits, OutputSink sink) {
  public LaunchRequest {
    Objects.requireNonNull(workspace, "workspace");
    Objects.requireNonNull(agent, "agent");
    Objects.requireNonNull(task, "task");
    Objects.requireNonNull(limits, "limits");
    Objects.requireNonNull(sink, "sink");
    if (task.taskId() != workspace.ref().taskId()) {
      throw new IllegalArgumentException(
          "task "
              + task.taskId()
              + " cannot run in the workspace of task "
              + workspace.ref().taskId());
    }
  }
}
