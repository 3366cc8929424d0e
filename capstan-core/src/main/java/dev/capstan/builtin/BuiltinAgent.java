package dev.capstan.builtin;

import dev.capstan.agent.AgentEntry;
import dev.capstan.agent.InProcessAgent;
import dev.capstan.agent.InProcessLaunch;
import dev.capstan.approval.Approvals;
import dev.capstan.runtime.AgentRun;
import dev.capstan.session.AgentLoop;
import dev.capstan.task.TaskWaits;
import java.util.List;
import java.util.concurrent.ThreadFactory;

/**
 * The {@code builtin} task agent: Capstan's own {@link AgentLoop} (the one sessions use) running
 * inside the daemon in the task's worktree, with the same tools and the configured tool policies. A
 * tool call under {@code ask} creates an approval owned by the task, and the task shows it as its
 * {@code pendingReason} while it waits.
 *
 * <p>Output lines: the model's answer as it streams, and one line per tool call starting with
 * {@value #TOOL_PREFIX}.
 *
 * <p>Immutable and thread-safe.
 */
public final class BuiltinAgent implements InProcessAgent {
  /** The registered name. */
  public static final String NAME = "builtin";

  /** The start of an output line about a tool call. */
  public static final String TOOL_PREFIX = "[tool] ";

  private final AgentLoop loop;
  private final Approvals approvals;
  private final TaskWaits waits;
  private final ThreadFactory threads;

  public BuiltinAgent(AgentLoop loop, Approvals approvals, TaskWaits waits, ThreadFactory threads) {
    this.loop = loop;
    this.approvals = approvals;
    this.waits = waits;
    this.threads = threads;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public AgentRun start(InProcessLaunch launch) {
    return BuiltinRun.start(loop, approvals, waits, launch, threads);
  }

  @Override
  public List<AgentEntry> parse(String line) {
    if (line.startsWith(TOOL_PREFIX)) {
      String rest = line.substring(TOOL_PREFIX.length());
      int space = rest.indexOf(' ');
      return List.of(
          new AgentEntry.ToolUse(
              space < 0 ? rest : rest.substring(0, space),
              space < 0 ? "" : rest.substring(space + 1)));
    }
    return line.isEmpty() ? List.of() : List.of(new AgentEntry.Text(line));
  }
}
