package dev.capstan.session;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.capstan.llm.ToolCall;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * One message of a turn's conversation, persisted as it happens: the user's message, each assistant
 * message (text and tool calls) and each tool result.
 *
 * <p>Immutable and thread-safe.
 *
 * @param turnId its turn
 * @param index its place in the turn, from 0
 * @param role who wrote it
 * @param content its text (for a tool message: the result given to the model)
 * @param toolCalls the tool calls of an assistant message
 * @param toolCallId for a tool message: the call it answers
 * @param toolName for a tool message: the tool
 * @param createdAt when it was stored
 */
public record ConversationMessage(
    String turnId,
    int index,
    Role role,
    String content,
    List<ToolCall> toolCalls,
    Optional<String> toolCallId,
    Optional<String> toolName,
    Instant createdAt) {
  public ConversationMessage {
    Objects.requireNonNull(turnId, "turnId");
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(content, "content");
    toolCalls = List.copyOf(toolCalls);
    Objects.requireNonNull(toolCallId, "toolCallId");
    Objects.requireNonNull(toolName, "toolName");
    Objects.requireNonNull(createdAt, "createdAt");
  }

  /** Who wrote a message. */
  public enum Role {
    USER,
    ASSISTANT,
    TOOL;

    /** The lowercase name, as the OpenAI protocol spells it. */
    @JsonValue
    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@link #wireName()}. */
    @JsonCreator
    public static Role fromWireName(String name) {
      return valueOf(name.toUpperCase(Locale.ROOT));
    }
  }
}
