package dev.capstan.llm;

import java.util.List;
import java.util.Objects;

/**
 * One message of a conversation sent to the model. Sealed: the roles of the chat completions API.
 *
 * <p>Immutable and thread-safe.
 */
public sealed interface ChatMessage {

  /** The wire role: {@code system}, {@code user}, {@code assistant} or {@code tool}. */
  String role();

  /**
   * Instructions for the model.
   *
   * @param content the text
   */
  record System(String content) implements ChatMessage {
    public System {
      Objects.requireNonNull(content, "content");
    }

    @Override
    public String role() {
      return "system";
    }
  }

  /**
   * What the person wrote.
   *
   * @param content the text
   */
  record User(String content) implements ChatMessage {
    public User {
      Objects.requireNonNull(content, "content");
    }

    @Override
    public String role() {
      return "user";
    }
  }

  /**
   * An earlier answer of the model, with the tool calls it made.
   *
   * @param content the text, possibly empty
   * @param toolCalls the calls it made, possibly none
   */
  record Assistant(String content, List<ToolCall> toolCalls) implements ChatMessage {
    public Assistant {
      Objects.requireNonNull(content, "content");
      toolCalls = List.copyOf(toolCalls);
    }

    /** An answer without tool calls. */
    public Assistant(String content) {
      this(content, List.of());
    }

    @Override
    public String role() {
      return "assistant";
    }
  }

  /**
   * The result of one tool call, answering it by id.
   *
   * @param toolCallId the id of the {@link ToolCall} answered
   * @param name the tool's name (some servers want it)
   * @param content what the tool returned, as text
   */
  record ToolResult(String toolCallId, String name, String content) implements ChatMessage {
    public ToolResult {
      Objects.requireNonNull(toolCallId, "toolCallId");
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(content, "content");
    }

    @Override
    public String role() {
      return "tool";
    }
  }
}
