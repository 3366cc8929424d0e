package dev.capstan.daemon.http;

import dev.capstan.approval.ApprovalSettings;
import dev.capstan.approval.Approvals;
import dev.capstan.event.EventLog;
import dev.capstan.id.RandomIds;
import dev.capstan.session.Sessions;
import dev.capstan.session.TurnEnd;
import dev.capstan.session.TurnErrorCode;
import dev.capstan.session.TurnRunner;
import dev.capstan.store.jdbc.Database;
import dev.capstan.store.jdbc.JdbcApprovalStore;
import dev.capstan.store.jdbc.JdbcSessionStore;
import dev.capstan.tool.ToolRegistry;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * Sessions and approvals for HTTP tests that do not exercise them: real stores on the test's
 * database, and an agent that fails every turn at once.
 */
final class UnusedSessions {
  private UnusedSessions() {}

  /** What {@link HttpApi.Deps} needs of sessions. */
  record Parts(Sessions sessions, Approvals approvals) {}

  static Parts on(Database database, EventLog events, Clock clock) {
    JdbcSessionStore store = new JdbcSessionStore(database);
    RandomIds ids = new RandomIds(new SecureRandom());
    Approvals approvals =
        new Approvals(
            new JdbcApprovalStore(database),
            events,
            clock,
            ApprovalSettings.DEFAULTS,
            ids,
            (session, tool) -> store.putPolicies(session, Map.of(tool, "allow")));
    TurnRunner runner =
        new TurnRunner(
            store,
            approvals,
            events,
            clock,
            turn ->
                TurnEnd.failed(
                    TurnErrorCode.INTERNAL, "no agent in this test", "", clock.instant()),
            Thread.ofVirtual().factory());
    return new Parts(
        new Sessions(store, approvals, runner, events, new ToolRegistry(List.of()), clock, ids),
        approvals);
  }
}
