package dev.capstan.store.jdbc;

import dev.capstan.approval.Approval;
import dev.capstan.approval.ApprovalScope;
import dev.capstan.approval.ApprovalStatus;
import dev.capstan.approval.ApprovalStore;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.Query;
import org.jdbi.v3.core.statement.StatementContext;

/**
 * Approvals on JDBC. A resolution is one {@code UPDATE … WHERE status = 'pending'}: the first
 * decision changes one row, every later one changes none and reads the stored resolution.
 *
 * <p>Thread-safe.
 */
public final class JdbcApprovalStore implements ApprovalStore {
  private final Database database;
  private final Jdbi jdbi;

  public JdbcApprovalStore(Database database) {
    this.database = database;
    this.jdbi = database.jdbi();
  }

  @Override
  public void insert(Approval approval) {
    database.inWriteTransaction(
        handle ->
            handle
                .createUpdate(
                    "INSERT INTO approvals (id, tool, arguments_preview, session_id, turn_id,"
                        + " task_id, tool_call_id, requested_at_micros, expires_at_micros, status)"
                        + " VALUES (:id, :tool, :preview, :session, :turn, :task, :call,"
                        + " :requested, :expires, :status)")
                .bind("id", approval.id())
                .bind("tool", approval.tool())
                .bind("preview", approval.argumentsPreview())
                .bind("session", approval.sessionId().orElse(null))
                .bind("turn", approval.turnId().orElse(null))
                .bind("task", approval.taskId().orElse(null))
                .bind("call", approval.toolCallId().orElse(null))
                .bind("requested", Micros.of(approval.requestedAt()))
                .bind("expires", Micros.nullable(approval.expiresAt()))
                .bind("status", approval.status().wireName())
                .execute());
  }

  @Override
  public Optional<Approval> find(String id) {
    return jdbi.withHandle(
        handle ->
            handle
                .createQuery("SELECT * FROM approvals WHERE id = :id")
                .bind("id", id)
                .map(JdbcApprovalStore::approval)
                .findOne());
  }

  @Override
  public List<Approval> list(Optional<ApprovalStatus> status, int limit) {
    return jdbi.withHandle(
        handle -> {
          Query query =
              handle.createQuery(
                  "SELECT * FROM approvals"
                      + (status.isPresent() ? " WHERE status = :status" : "")
                      + " ORDER BY requested_at_micros DESC, id LIMIT :limit");
          status.ifPresent(s -> query.bind("status", s.wireName()));
          return query.bind("limit", limit).map(JdbcApprovalStore::approval).list();
        });
  }

  @Override
  public Resolution resolve(String id, Approval.Decision decision) {
    return database.inWriteTransaction(
        handle -> {
          int changed =
              handle
                  .createUpdate(
                      "UPDATE approvals SET status = :status, scope = :scope,"
                          + " decided_by = :by, reason = :reason, decided_at_micros = :at"
                          + " WHERE id = :id AND status = :pending")
                  .bind("id", id)
                  .bind("status", decision.status().wireName())
                  .bind("scope", decision.scope().map(ApprovalScope::wireName).orElse(null))
                  .bind("by", decision.decidedBy())
                  .bind("reason", decision.reason())
                  .bind("at", Micros.of(decision.decidedAt()))
                  .bind("pending", ApprovalStatus.PENDING.wireName())
                  .execute();
          Optional<Approval> stored =
              handle
                  .createQuery("SELECT * FROM approvals WHERE id = :id")
                  .bind("id", id)
                  .map(JdbcApprovalStore::approval)
                  .findOne();
          if (stored.isEmpty()) {
            return new Resolution.Missing(id);
          }
          return changed == 1
              ? new Resolution.Won(stored.get())
              : new Resolution.AlreadyResolved(stored.get());
        });
  }

  @Override
  public List<Approval> pendingOfTurn(String turnId) {
    return jdbi.withHandle(
        handle ->
            handle
                .createQuery(
                    "SELECT * FROM approvals WHERE turn_id = :turn AND status = :pending"
                        + " ORDER BY requested_at_micros")
                .bind("turn", turnId)
                .bind("pending", ApprovalStatus.PENDING.wireName())
                .map(JdbcApprovalStore::approval)
                .list());
  }

  @Override
  public List<Approval> pendingExpiredAt(Instant now) {
    return jdbi.withHandle(
        handle ->
            handle
                .createQuery(
                    "SELECT * FROM approvals WHERE status = :pending"
                        + " AND expires_at_micros IS NOT NULL AND expires_at_micros <= :now"
                        + " ORDER BY expires_at_micros")
                .bind("pending", ApprovalStatus.PENDING.wireName())
                .bind("now", Micros.of(now))
                .map(JdbcApprovalStore::approval)
                .list());
  }

  @Override
  public Optional<Approval> findByToolCall(String turnId, String toolCallId) {
    return jdbi.withHandle(
        handle ->
            handle
                .createQuery(
                    "SELECT * FROM approvals WHERE turn_id = :turn AND tool_call_id = :call"
                        + " ORDER BY requested_at_micros DESC LIMIT 1")
                .bind("turn", turnId)
                .bind("call", toolCallId)
                .map(JdbcApprovalStore::approval)
                .findOne());
  }

  private static Approval approval(ResultSet rs, StatementContext ctx) throws SQLException {
    return new Approval(
        rs.getString("id"),
        rs.getString("tool"),
        rs.getString("arguments_preview"),
        Micros.optionalString(rs, "session_id"),
        Micros.optionalString(rs, "turn_id"),
        Micros.optionalLong(rs, "task_id"),
        Micros.optionalString(rs, "tool_call_id"),
        Micros.instant(rs.getLong("requested_at_micros")),
        Micros.optionalInstant(rs, "expires_at_micros"),
        ApprovalStatus.fromWireName(rs.getString("status")),
        Micros.optionalString(rs, "scope").map(ApprovalScope::fromWireName),
        Micros.optionalString(rs, "decided_by"),
        Micros.optionalString(rs, "reason"),
        Micros.optionalInstant(rs, "decided_at_micros"));
  }
}
