package dev.capstan.agent;

import java.util.List;

/**
 * The {@code command} agent: runs the user's command (the task's, else the repo's default) with
 * {@code /bin/sh -c <command>} in the worktree. Only the user's own command string goes to the
 * shell; the prompt reaches it in {@code CAPSTAN_PROMPT} and {@code CAPSTAN_PROMPT_FILE} and is
 * never interpolated into the command. Every output line is a {@link AgentEntry.Text}.
 *
 * <p>Immutable and thread-safe.
 */
public final class CommandAgent implements Agent {
  /** The registered name. */
  public static final String NAME = "command";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public void validate(AgentTask task) {
    if (task.command().filter(command -> !command.isBlank()).isEmpty()) {
      throw new MissingCommand();
    }
  }

  @Override
  public AgentLaunch launch(AgentContext context) {
    validate(context.task());
    String command = context.task().command().orElseThrow();
    return AgentLaunch.of(List.of("/bin/sh", "-c", command));
  }

  @Override
  public List<AgentEntry> parse(String line) {
    return List.of(new AgentEntry.Text(line));
  }
}
