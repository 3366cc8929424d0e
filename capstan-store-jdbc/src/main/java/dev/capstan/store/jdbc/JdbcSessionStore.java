package dev.capstan.store.jdbc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.capstan.idempotency.IdempotencyKey;
import dev.capstan.idempotency.IdempotencyStore;
import dev.capstan.idempotency.Idempotent;
import dev.capstan.json.Json;
import dev.capstan.llm.ToolCall;
import dev.capstan.session.ConversationMessage;
import dev.capstan.session.Session;
import dev.capstan.session.SessionStore;
import dev.capstan.session.Turn;
import dev.capstan.session.TurnEnd;
import dev.capstan.session.TurnErrorCode;
import dev.capstan.session.TurnStatus;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementContext;

/**
 * Sessions, turns, conversation messages and tool policy overrides on JDBC.
 *
 * <p>Thread-safe. A turn's position comes from {@code max(position) + 1} in the inserting
 * transaction, after that transaction wrote the session's row, so submissions to one session
 * serialise; the unique key on {@code (session_id, position)} backs this up.
 */
public final class JdbcSessionStore implements SessionStore {
  private static final TypeReference<List<ToolCall>> TOOL_CALLS = new TypeReference<>() {};
  private static final int ENQUEUE_ATTEMPTS = 5;
  private static final String TURN_COLUMNS =
      "id, session_id, position, status, user_message, assistant_text, error_code, error_message,"
          + " prompt_tokens, completion_tokens, queued_at_micros, started_at_micros,"
          + " finished_at_micros, ttft_millis, total_millis, resume_of";

  private final Database database;
  private final Jdbi jdbi;

  public JdbcSessionStore(Database database) {
    this.database = database;
    this.jdbi = database.jdbi();
  }

  @Override
  public void createSession(Session session) {
    database.inWriteTransaction(
        handle ->
            handle
                .createUpdate(
                    "INSERT INTO sessions (id, title, workspace, model, created_at_micros,"
                        + " updated_at_micros) VALUES (:id, :title, :workspace, :model, :created,"
                        + " :updated)")
                .bind("id", session.id())
                .bind("title", session.title())
                .bind("workspace", session.workspace())
                .bind("model", session.model().orElse(null))
                .bind("created", Micros.of(session.createdAt()))
                .bind("updated", Micros.of(session.updatedAt()))
                .execute());
  }

  @Override
  public Optional<Session> findSession(String id) {
    return jdbi.withHandle(
        handle ->
            handle
                .createQuery("SELECT * FROM sessions WHERE id = :id")
                .bind("id", id)
                .map(JdbcSessionStore::session)
                .findOne());
  }

  @Override
  public List<Session> listSessions() {
    return jdbi.withHandle(
        handle ->
            handle
                .createQuery("SELECT * FROM sessions ORDER BY created_at_micros DESC, id")
                .map(JdbcSessionStore::session)
                .list());
  }

  @Override
  public boolean renameSession(String id, String title, Instant at) {
    return database.inWriteTransaction(
            handle ->
                handle
                    .createUpdate(
                        "UPDATE sessions SET title = :title, updated_at_micros = :at WHERE id = :id")
                    .bind("id", id)
                    .bind("title", title)
                    .bind("at", Micros.of(at))
                    .execute())
        == 1;
  }

  @Override
  public boolean deleteSession(String id) {
    return database.inWriteTransaction(
        handle -> {
          // why: explicit deletes instead of relying on ON DELETE CASCADE, which SQLite only
          // honours with foreign keys switched on for the connection.
          handle
              .createUpdate(
                  "DELETE FROM turn_messages WHERE turn_id IN"
                      + " (SELECT id FROM turns WHERE session_id = :id)")
              .bind("id", id)
              .execute();
          handle.createUpdate("DELETE FROM turns WHERE session_id = :id").bind("id", id).execute();
          handle
              .createUpdate("DELETE FROM session_tool_policies WHERE session_id = :id")
              .bind("id", id)
              .execute();
          return handle.createUpdate("DELETE FROM sessions WHERE id = :id").bind("id", id).execute()
              == 1;
        });
  }

  @Override
  public Idempotent<Turn> enqueueTurn(
      String sessionId,
      String turnId,
      String userMessage,
      Instant at,
      Optional<String> resumeOf,
      Optional<IdempotencyKey> key) {
    RuntimeException last = null;
    for (int attempt = 0; attempt < ENQUEUE_ATTEMPTS; attempt++) {
      try {
        return database.inWriteTransaction(
            handle -> {
              // why: write the session row first: it locks the row (PostgreSQL) or takes the
              // write lock (SQLite) before max(position) is read, so submissions serialise.
              handle
                  .createUpdate("UPDATE sessions SET updated_at_micros = :at WHERE id = :id")
                  .bind("id", sessionId)
                  .bind("at", Micros.of(at))
                  .execute();
              String scope = IdempotencyStore.turnsOf(sessionId);
              if (key.isPresent()) {
                Optional<String> earlier = JdbcIdempotencyStore.claim(handle, scope, key.get(), at);
                if (earlier.isPresent()) {
                  return Idempotent.replayed(findTurn(handle, earlier.get()));
                }
              }
              long position =
                  handle
                      .createQuery(
                          "SELECT COALESCE(MAX(position), 0) + 1 FROM turns"
                              + " WHERE session_id = :session")
                      .bind("session", sessionId)
                      .mapTo(Long.class)
                      .one();
              handle
                  .createUpdate(
                      "INSERT INTO turns (id, session_id, position, status, user_message,"
                          + " queued_at_micros, resume_of) VALUES (:id, :session, :position,"
                          + " :status, :message, :at, :resumeOf)")
                  .bind("id", turnId)
                  .bind("session", sessionId)
                  .bind("position", position)
                  .bind("status", TurnStatus.QUEUED.wireName())
                  .bind("message", userMessage)
                  .bind("at", Micros.of(at))
                  .bind("resumeOf", resumeOf.orElse(null))
                  .execute();
              key.ifPresent(k -> JdbcIdempotencyStore.bind(handle, scope, k, turnId));
              return Idempotent.created(findTurn(handle, turnId));
            });
      } catch (RuntimeException e) {
        // Race: two submissions to one session read the same max(position); the unique key
        // refuses the second, which tries again with the next position.
        last = e;
      }
    }
    throw last;
  }

  private static Turn findTurn(Handle handle, String turnId) {
    return handle
        .createQuery("SELECT " + TURN_COLUMNS + " FROM turns WHERE id = :id")
        .bind("id", turnId)
        .map(JdbcSessionStore::turn)
        .one();
  }

  @Override
  public Optional<Turn> findTurn(String turnId) {
    return jdbi.withHandle(
        handle ->
            handle
                .createQuery("SELECT " + TURN_COLUMNS + " FROM turns WHERE id = :id")
                .bind("id", turnId)
                .map(JdbcSessionStore::turn)
                .findOne());
  }

  @Override
  public List<Turn> turnsOf(String sessionId) {
    return jdbi.withHandle(
        handle ->
            handle
                .createQuery(
                    "SELECT "
                        + TURN_COLUMNS
                        + " FROM turns WHERE session_id = :session ORDER BY position")
                .bind("session", sessionId)
                .map(JdbcSessionStore::turn)
                .list());
  }

  @Override
  public Optional<Turn> nextQueued(String sessionId) {
    return jdbi.withHandle(
        handle ->
            handle
                .createQuery(
                    "SELECT "
                        + TURN_COLUMNS
                        + " FROM turns WHERE session_id = :session AND status = :status"
                        + " ORDER BY position LIMIT 1")
                .bind("session", sessionId)
                .bind("status", TurnStatus.QUEUED.wireName())
                .map(JdbcSessionStore::turn)
                .findOne());
  }

  @Override
  public List<Turn> turnsIn(TurnStatus status) {
    return jdbi.withHandle(
        handle ->
            handle
                .createQuery(
                    "SELECT "
                        + TURN_COLUMNS
                        + " FROM turns WHERE status = :status ORDER BY session_id, position")
                .bind("status", status.wireName())
                .map(JdbcSessionStore::turn)
                .list());
  }

  @Override
  public boolean markRunning(String turnId, Instant at, List<ConversationMessage> opening) {
    return database.inWriteTransaction(
        handle -> {
          boolean claimed =
              handle
                      .createUpdate(
                          "UPDATE turns SET status = :running, started_at_micros = :at,"
                              + " version = version + 1 WHERE id = :id AND status = :queued")
                      .bind("id", turnId)
                      .bind("running", TurnStatus.RUNNING.wireName())
                      .bind("queued", TurnStatus.QUEUED.wireName())
                      .bind("at", Micros.of(at))
                      .execute()
                  == 1;
          if (claimed) {
            for (ConversationMessage message : opening) {
              insertMessage(handle, message);
            }
          }
          return claimed;
        });
  }

  @Override
  public boolean finishTurn(String turnId, Set<TurnStatus> from, TurnEnd end) {
    if (from.isEmpty()) {
      return false;
    }
    return database.inWriteTransaction(
            handle ->
                handle
                    .createUpdate(
                        "UPDATE turns SET status = :status, assistant_text = :text,"
                            + " error_code = :code, error_message = :message,"
                            + " prompt_tokens = :prompt, completion_tokens = :completion,"
                            + " finished_at_micros = :finished, ttft_millis = :ttft,"
                            + " total_millis = :total, version = version + 1"
                            + " WHERE id = :id AND status IN (<from>)")
                    .bind("id", turnId)
                    .bind("status", end.status().wireName())
                    .bind("text", end.assistantText())
                    .bind("code", end.error().map(e -> e.code().name()).orElse(null))
                    .bind("message", end.error().map(Turn.TurnError::message).orElse(null))
                    .bind("prompt", end.usage().map(Turn.TokenUsage::promptTokens).orElse(null))
                    .bind(
                        "completion",
                        end.usage().map(Turn.TokenUsage::completionTokens).orElse(null))
                    .bind("finished", Micros.of(end.finishedAt()))
                    .bind("ttft", end.ttftMillis().orElse(null))
                    .bind("total", end.totalMillis().orElse(null))
                    .bindList("from", from.stream().map(TurnStatus::wireName).toList())
                    .execute())
        == 1;
  }

  @Override
  public void saveAssistantText(String turnId, String text) {
    database.inWriteTransaction(handle -> updateAssistantText(handle, turnId, text));
  }

  private static int updateAssistantText(Handle handle, String turnId, String text) {
    return handle
        .createUpdate(
            "UPDATE turns SET assistant_text = :text WHERE id = :id AND status = :running")
        .bind("id", turnId)
        .bind("text", text)
        .bind("running", TurnStatus.RUNNING.wireName())
        .execute();
  }

  @Override
  public void appendAnswer(ConversationMessage message, String assistantText) {
    database.inWriteTransaction(
        handle -> {
          insertMessage(handle, message);
          return updateAssistantText(handle, message.turnId(), assistantText);
        });
  }

  @Override
  public void appendMessage(ConversationMessage message) {
    database.inWriteTransaction(
        handle -> {
          insertMessage(handle, message);
          return null;
        });
  }

  private static void insertMessage(Handle handle, ConversationMessage message) {
    String toolCalls;
    try {
      toolCalls = Json.mapper().writeValueAsString(message.toolCalls());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode tool calls of turn " + message.turnId(), e);
    }
    handle
        .createUpdate(
            "INSERT INTO turn_messages (turn_id, idx, role, content, tool_calls,"
                + " tool_call_id, tool_name, created_at_micros) VALUES (:turn, :idx,"
                + " :role, :content, :calls, :callId, :tool, :at)")
        .bind("turn", message.turnId())
        .bind("idx", message.index())
        .bind("role", message.role().wireName())
        .bind("content", message.content())
        .bind("calls", toolCalls)
        .bind("callId", message.toolCallId().orElse(null))
        .bind("tool", message.toolName().orElse(null))
        .bind("at", Micros.of(message.createdAt()))
        .execute();
  }

  @Override
  public List<ConversationMessage> messagesOf(String turnId) {
    return jdbi.withHandle(
        handle ->
            handle
                .createQuery("SELECT * FROM turn_messages WHERE turn_id = :turn ORDER BY idx")
                .bind("turn", turnId)
                .map(JdbcSessionStore::message)
                .list());
  }

  @Override
  public List<ConversationMessage> completedConversationBefore(String sessionId, long position) {
    return jdbi.withHandle(
        handle ->
            handle
                .createQuery(
                    "SELECT m.* FROM turn_messages m JOIN turns t ON t.id = m.turn_id"
                        + " WHERE t.session_id = :session AND t.position < :position"
                        + " AND t.status = :completed ORDER BY t.position, m.idx")
                .bind("session", sessionId)
                .bind("position", position)
                .bind("completed", TurnStatus.COMPLETED.wireName())
                .map(JdbcSessionStore::message)
                .list());
  }

  @Override
  public Map<String, String> policiesOf(String sessionId) {
    Map<String, String> policies = new LinkedHashMap<>();
    jdbi.useHandle(
        handle ->
            handle
                .createQuery(
                    "SELECT tool, policy FROM session_tool_policies WHERE session_id = :session"
                        + " ORDER BY tool")
                .bind("session", sessionId)
                .map((rs, ctx) -> Map.entry(rs.getString("tool"), rs.getString("policy")))
                .forEach(entry -> policies.put(entry.getKey(), entry.getValue())));
    return policies;
  }

  @Override
  public void putPolicies(String sessionId, Map<String, String> policies) {
    database.inWriteTransaction(
        handle -> {
          for (Map.Entry<String, String> entry : policies.entrySet()) {
            handle
                .createUpdate(
                    "INSERT INTO session_tool_policies (session_id, tool, policy) VALUES"
                        + " (:session, :tool, :policy) ON CONFLICT (session_id, tool)"
                        + " DO UPDATE SET policy = excluded.policy")
                .bind("session", sessionId)
                .bind("tool", entry.getKey())
                .bind("policy", entry.getValue())
                .execute();
          }
          return null;
        });
  }

  private static Session session(ResultSet rs, StatementContext ctx) throws SQLException {
    return new Session(
        rs.getString("id"),
        rs.getString("title"),
        rs.getString("workspace"),
        Micros.optionalString(rs, "model"),
        Micros.instant(rs.getLong("created_at_micros")),
        Micros.instant(rs.getLong("updated_at_micros")));
  }

  private static Turn turn(ResultSet rs, StatementContext ctx) throws SQLException {
    String message = Optional.ofNullable(rs.getString("error_message")).orElse("");
    Optional<Turn.TurnError> error =
        Micros.optionalString(rs, "error_code")
            .map(code -> new Turn.TurnError(TurnErrorCode.valueOf(code), message));
    Optional<Long> prompt = Micros.optionalLong(rs, "prompt_tokens");
    Optional<Long> completion = Micros.optionalLong(rs, "completion_tokens");
    Optional<Turn.TokenUsage> usage =
        prompt.isPresent() || completion.isPresent()
            ? Optional.of(new Turn.TokenUsage(prompt.orElse(0L), completion.orElse(0L)))
            : Optional.empty();
    return new Turn(
        rs.getString("id"),
        rs.getString("session_id"),
        rs.getLong("position"),
        TurnStatus.fromWireName(rs.getString("status")),
        rs.getString("user_message"),
        rs.getString("assistant_text"),
        error,
        usage,
        Micros.instant(rs.getLong("queued_at_micros")),
        Micros.optionalInstant(rs, "started_at_micros"),
        Micros.optionalInstant(rs, "finished_at_micros"),
        Micros.optionalLong(rs, "ttft_millis"),
        Micros.optionalLong(rs, "total_millis"),
        Micros.optionalString(rs, "resume_of"));
  }

  private static ConversationMessage message(ResultSet rs, StatementContext ctx)
      throws SQLException {
    List<ToolCall> calls;
    try {
      calls = Json.mapper().readValue(rs.getString("tool_calls"), TOOL_CALLS);
    } catch (JsonProcessingException e) {
      throw new SQLException("tool_calls of turn " + rs.getString("turn_id") + " is not JSON", e);
    }
    return new ConversationMessage(
        rs.getString("turn_id"),
        rs.getInt("idx"),
        ConversationMessage.Role.fromWireName(rs.getString("role")),
        rs.getString("content"),
        calls,
        Micros.optionalString(rs, "tool_call_id"),
        Micros.optionalString(rs, "tool_name"),
        Micros.instant(rs.getLong("created_at_micros")));
  }
}
