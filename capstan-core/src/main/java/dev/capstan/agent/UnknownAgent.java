package dev.capstan.agent;

import dev.capstan.error.CapstanException;
import dev.capstan.error.ErrorCode;
import java.util.List;

/** A task or repo names an agent that this daemon does not know. */
public final class UnknownAgent extends CapstanException {
  private static final long serialVersionUID = 1L;

  private final String name;

  public UnknownAgent(String name, List<String> known) {
    super(
        ErrorCode.UNKNOWN_AGENT,
        "unknown agent '" + name + "'",
        "use one of: " + String.join(", ", known));
    this.name = name;
  }

  /** The name that matched no agent. */
  public String name() {
    return name;
  }
}
