package dev.capstan.agent;

import java.util.Objects;

/**
 * One typed entry of an agent's output, as {@link Agent#parse} reads it. Switch over it
 * exhaustively.
 *
 * <p>Immutable and thread-safe.
 */
public sealed interface AgentEntry {

  /** Plain text the agent wrote. */
  record Text(String text) implements AgentEntry {
    public Text {
      Objects.requireNonNull(text, "text");
    }
  }

  /** The agent called a tool. */
  record ToolUse(String tool, String input) implements AgentEntry {
    public ToolUse {
      Objects.requireNonNull(tool, "tool");
      Objects.requireNonNull(input, "input");
    }
  }

  /** What a tool call returned. */
  record ToolResult(String tool, String output, boolean isError) implements AgentEntry {
    public ToolResult {
      Objects.requireNonNull(tool, "tool");
      Objects.requireNonNull(output, "output");
    }
  }

  /** The agent reported an error. */
  record Error(String message) implements AgentEntry {
    public Error {
      Objects.requireNonNull(message, "message");
    }
  }

  /** The agent's final result. */
  record Result(String summary, boolean success) implements AgentEntry {
    public Result {
      Objects.requireNonNull(summary, "summary");
    }
  }
}
