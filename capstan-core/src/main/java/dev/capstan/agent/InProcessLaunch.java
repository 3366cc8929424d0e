package dev.capstan.agent;

import dev.capstan.runtime.OutputSink;
import dev.capstan.runtime.RunLimits;
import dev.capstan.runtime.RunMarker;
import java.nio.file.Path;
import java.util.Objects;

/**
 * What an {@link InProcessAgent} needs to run one attempt.
 *
 * <p>Immutable and thread-safe (as far as the sink is).
 *
 * @param task the task as the agent sees it
 * @param repo the task's repo
 * @param workspace the attempt's worktree
 * @param limits the run's deadlines
 * @param sink receives the agent's output as it comes
 * @param marker the attempt's marker
 */
public record InProcessLaunch(
    AgentTask task,
    String repo,
    Path workspace,
    RunLimits limits,
    OutputSink sink,
    RunMarker marker) {
  public InProcessLaunch {
    Objects.requireNonNull(task, "task");
    Objects.requireNonNull(repo, "repo");
    Objects.requireNonNull(workspace, "workspace");
    Objects.requireNonNull(limits, "limits");
    Objects.requireNonNull(sink, "sink");
    Objects.requireNonNull(marker, "marker");
  }
}
