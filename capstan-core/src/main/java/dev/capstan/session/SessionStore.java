package dev.capstan.session;

import dev.capstan.idempotency.IdempotencyKey;
import dev.capstan.idempotency.IdempotencyStore;
import dev.capstan.idempotency.Idempotent;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Persistence of sessions, their turn queue, their conversation and their tool policy overrides.
 * The implementation lives outside core ({@code JdbcSessionStore}).
 *
 * <p>Contract: a turn's position is assigned in the transaction that inserts it (per session from
 * 1, in submission order); a turn's status only changes through {@link #markRunning} and {@link
 * #finishTurn}, each a compare-and-set that returns {@code false} when the turn was not in the
 * expected status (a lost race, not an error). Deleting a session deletes its turns, messages and
 * policies. Implementations are thread-safe.
 */
public interface SessionStore {
  /** Stores a new session. */
  void createSession(Session session);

  /** The session with this id. */
  Optional<Session> findSession(String id);

  /** Every session, newest first. */
  List<Session> listSessions();

  /** Renames a session; {@code false} if it does not exist. */
  boolean renameSession(String id, String title, Instant at);

  /** Deletes a session with everything of it; {@code false} if it did not exist. */
  boolean deleteSession(String id);

  /**
   * Appends a queued turn to the session's queue, with the next position.
   *
   * @return the stored turn
   */
  default Turn enqueueTurn(
      String sessionId, String turnId, String userMessage, Instant at, Optional<String> resumeOf) {
    return enqueueTurn(sessionId, turnId, userMessage, at, resumeOf, Optional.empty()).value();
  }

  /**
   * Appends a queued turn like {@link #enqueueTurn(String, String, String, Instant, Optional)};
   * with a key, remembers it in {@link IdempotencyStore#turnsOf} in the same transaction.
   *
   * @return the stored turn, or the turn the key queued earlier (replayed; nothing is stored)
   */
  Idempotent<Turn> enqueueTurn(
      String sessionId,
      String turnId,
      String userMessage,
      Instant at,
      Optional<String> resumeOf,
      Optional<IdempotencyKey> key);

  /** The turn with this id. */
  Optional<Turn> findTurn(String turnId);

  /** The turns of a session, in queue order. */
  List<Turn> turnsOf(String sessionId);

  /** The queued turn of the session with the lowest position. */
  Optional<Turn> nextQueued(String sessionId);

  /** Every turn in {@code status}, across sessions, in queue order per session. */
  List<Turn> turnsIn(TurnStatus status);

  /** Moves a turn queued → running; {@code false} if it was not queued any more. */
  default boolean markRunning(String turnId, Instant at) {
    return markRunning(turnId, at, List.of());
  }

  /**
   * Moves a turn queued → running and, in the same transaction, appends {@code opening} (the first
   * messages of its conversation); {@code false}, with nothing stored, if it was not queued any
   * more.
   */
  boolean markRunning(String turnId, Instant at, List<ConversationMessage> opening);

  /** Ends a turn that is in one of {@code from}; {@code false} if it was not. */
  boolean finishTurn(String turnId, Set<TurnStatus> from, TurnEnd end);

  /** Stores the assistant text of a running turn so far (partial output survives a crash). */
  void saveAssistantText(String turnId, String text);

  /** Appends a message to a turn's conversation; its index must be the next one. */
  void appendMessage(ConversationMessage message);

  /**
   * Appends an assistant message and, in the same transaction, stores {@code assistantText} as the
   * running turn's answer so far (as {@link #saveAssistantText}).
   */
  void appendAnswer(ConversationMessage message, String assistantText);

  /** The messages of a turn, in order. */
  List<ConversationMessage> messagesOf(String turnId);

  /**
   * The messages of the session's completed turns before {@code position}, in queue order and
   * message order: the conversation a turn at {@code position} continues.
   */
  List<ConversationMessage> completedConversationBefore(String sessionId, long position);

  /** The session's tool policy overrides, tool → {@code allow|ask|deny}. */
  Map<String, String> policiesOf(String sessionId);

  /** Sets (replaces) the session's overrides for the tools named in {@code policies}. */
  void putPolicies(String sessionId, Map<String, String> policies);
}
