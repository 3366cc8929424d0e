package dev.capstan.agent;

import dev.capstan.error.CapstanException;
import dev.capstan.error.ErrorCode;

/** The {@code command} agent was chosen but neither the task nor its repo gives a command. */
public final class MissingCommand extends CapstanException {
  private static final long serialVersionUID = 1L;

  public MissingCommand() {
    super(
        ErrorCode.BAD_REQUEST,
        "the 'command' agent needs a command, and neither the task nor its repo has one",
        "pass --command '<cmd>' with the task, or set the repo's default with"
            + " 'capstan repo set <repo> --agent command --command <cmd>'");
  }
}
