package dev.capstan.session;

import java.util.List;
import java.util.Objects;

/**
 * A session with every turn and the conversation of each, for {@code session show}.
 *
 * @param session the session
 * @param turns its turns in order, each with its messages
 * @param policies its tool policy overrides, tool → allow | ask | deny
 */
public record SessionHistory(
    Session session, List<TurnHistory> turns, java.util.Map<String, String> policies) {
  public SessionHistory {
    Objects.requireNonNull(session, "session");
    turns = List.copyOf(turns);
    policies = java.util.Map.copyOf(policies);
  }

  /**
   * One turn and its conversation.
   *
   * @param turn the turn
   * @param messages its messages: user, assistant (with tool calls), tool results
   */
  public record TurnHistory(Turn turn, List<ConversationMessage> messages) {
    public TurnHistory {
      Objects.requireNonNull(turn, "turn");
      messages = List.copyOf(messages);
    }
  }
}
