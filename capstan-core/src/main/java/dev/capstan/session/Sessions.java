package dev.capstan.session;

import dev.capstan.approval.Approval;
import dev.capstan.approval.Approvals;
import dev.capstan.event.EventData;
import dev.capstan.event.EventLog;
import dev.capstan.event.StreamName;
import dev.capstan.id.RandomIds;
import dev.capstan.idempotency.IdempotencyKey;
import dev.capstan.idempotency.Idempotent;
import dev.capstan.tool.ToolPolicy;
import dev.capstan.tool.ToolRegistry;
import dev.capstan.tool.Workspace;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What clients do with sessions: create one bound to a workspace directory, list, show, rename,
 * remove, submit and cancel turns, set tool policies, and answer approvals (which may resume a turn
 * a restart interrupted).
 *
 * <p>Thread-safe.
 */
public final class Sessions {
  private static final Logger log = LoggerFactory.getLogger(Sessions.class);

  /** Longest title, in characters. */
  public static final int MAX_TITLE = 200;

  /** Longest user message, in characters. */
  public static final int MAX_MESSAGE = 200_000;

  private final SessionStore store;
  private final Approvals approvals;
  private final TurnRunner runner;
  private final EventLog events;
  private final ToolRegistry tools;
  private final Clock clock;
  private final RandomIds ids;

  public Sessions(
      SessionStore store,
      Approvals approvals,
      TurnRunner runner,
      EventLog events,
      ToolRegistry tools,
      Clock clock,
      RandomIds ids) {
    this.store = store;
    this.approvals = approvals;
    this.runner = runner;
    this.events = events;
    this.tools = tools;
    this.clock = clock;
    this.ids = ids;
  }

  /**
   * Creates a session bound to {@code directory}, which must exist and be a directory; its real
   * path (symlinks resolved) is stored.
   *
   * @throws dev.capstan.tool.WorkspaceInvalid when it is not a usable directory
   */
  public Session create(String directory, Optional<String> model, Optional<String> title) {
    if (directory == null || directory.isBlank()) {
      throw new InvalidSessionInput(
          "A session needs a workspace directory (\"dir\").",
          "Pass --dir DIR (or \"dir\" in the JSON body).");
    }
    Workspace workspace = Workspace.open(Path.of(directory));
    String name =
        title
            .map(String::strip)
            .filter(t -> !t.isEmpty())
            .orElse(
                workspace.root().getFileName() == null
                    ? workspace.root().toString()
                    : workspace.root().getFileName().toString());
    checkTitle(name);
    Instant now = clock.instant();
    Session session =
        new Session(
            ids.next("s"),
            name,
            workspace.root().toString(),
            model.map(String::strip).filter(m -> !m.isEmpty()),
            now,
            now);
    store.createSession(session);
    log.info("session created session={} workspace={}", session.id(), session.workspace());
    return session;
  }

  /** Every session, newest first. */
  public List<Session> list() {
    return store.listSessions();
  }

  /** The session with this id. */
  public Session get(String sessionId) {
    return store.findSession(sessionId).orElseThrow(() -> new SessionNotFound(sessionId));
  }

  /** The session with every turn and its conversation. */
  public SessionHistory history(String sessionId) {
    Session session = get(sessionId);
    List<SessionHistory.TurnHistory> turns =
        store.turnsOf(sessionId).stream()
            .map(turn -> new SessionHistory.TurnHistory(turn, store.messagesOf(turn.id())))
            .toList();
    return new SessionHistory(session, turns, store.policiesOf(sessionId));
  }

  /** The turns of a session, in order. */
  public List<Turn> turns(String sessionId) {
    get(sessionId);
    return store.turnsOf(sessionId);
  }

  /** Renames a session. */
  public Session rename(String sessionId, String title) {
    String name = title == null ? "" : title.strip();
    if (name.isEmpty()) {
      throw new InvalidSessionInput("A title cannot be empty.", "Pass a non-empty \"title\".");
    }
    checkTitle(name);
    if (!store.renameSession(sessionId, name, clock.instant())) {
      throw new SessionNotFound(sessionId);
    }
    return get(sessionId);
  }

  /**
   * Removes a session: cancels its running and queued turns first, then deletes it; returns the
   * cancelled turns.
   */
  public List<String> delete(String sessionId) {
    get(sessionId);
    List<String> cancelled = runner.cancel(sessionId, Optional.empty());
    if (!store.deleteSession(sessionId)) {
      throw new SessionNotFound(sessionId);
    }
    log.info("session removed session={} cancelledTurns={}", sessionId, cancelled.size());
    return cancelled;
  }

  /** Queues a turn; it runs after the session's earlier turns. Returns at once. */
  public Turn submit(String sessionId, String message) {
    return submit(sessionId, message, Optional.empty()).value();
  }

  /**
   * Queues a turn like {@link #submit(String, String)}; with an idempotency key already used for
   * this session, answers with the turn that key queued and queues nothing.
   */
  public Idempotent<Turn> submit(
      String sessionId, String message, Optional<IdempotencyKey> idempotencyKey) {
    if (message == null || message.isBlank()) {
      throw new InvalidSessionInput(
          "A turn needs a non-empty \"message\".", "Send {\"message\":\"...\"}.");
    }
    if (message.length() > MAX_MESSAGE) {
      throw new InvalidSessionInput(
          "The message has " + message.length() + " characters; at most " + MAX_MESSAGE + ".",
          "Send a shorter message, or put the text in a file of the workspace.");
    }
    Session session = get(sessionId);
    return enqueue(sessionId, message, Optional.empty(), idempotencyKey, Optional.of(session));
  }

  private Turn enqueue(String sessionId, String message, Optional<String> resumeOf) {
    return enqueue(sessionId, message, resumeOf, Optional.empty(), Optional.empty()).value();
  }

  /**
   * Stores a queued turn and gets it run. With {@code startable}, a session with no turn running
   * starts the turn at once on a new worker, while the enqueue commits: the LLM request does not
   * wait for the commit, the event and a re-read (the turn's claim waits for them instead).
   */
  private Idempotent<Turn> enqueue(
      String sessionId,
      String message,
      Optional<String> resumeOf,
      Optional<IdempotencyKey> idempotencyKey,
      Optional<Session> startable) {
    String turnId = ids.next("t");
    Instant at = clock.instant();
    Optional<TurnRunner.EarlyStart> early =
        startable.flatMap(session -> runner.startEarly(session, turnId, message, at));
    Idempotent<Turn> stored;
    try {
      stored = store.enqueueTurn(sessionId, turnId, message, at, resumeOf, idempotencyKey);
    } catch (RuntimeException | Error e) {
      early.ifPresent(TurnRunner.EarlyStart::abandon);
      throw e;
    }
    if (stored.replayed()) {
      early.ifPresent(TurnRunner.EarlyStart::abandon);
      return stored;
    }
    Turn turn = stored.value();
    try {
      events.append(
          StreamName.session(sessionId),
          new EventData.TurnQueued(sessionId, turn.id(), turn.position(), message));
    } finally {
      // why: turn.queued is appended before the claim can append turn.started.
      early.ifPresentOrElse(start -> start.enqueued(turn), () -> runner.wake(sessionId));
    }
    return stored;
  }

  /** Cancels one turn, or the running and queued turns of the session; returns their ids. */
  public List<String> cancel(String sessionId, Optional<String> turnId) {
    get(sessionId);
    return runner.cancel(sessionId, turnId);
  }

  /**
   * Sets tool policy overrides of a session.
   *
   * @return every override of the session afterwards
   */
  public Map<String, String> setPolicies(String sessionId, Map<String, String> policies) {
    get(sessionId);
    Map<String, String> parsed = new LinkedHashMap<>();
    for (Map.Entry<String, String> entry : policies.entrySet()) {
      if (tools.find(entry.getKey()).isEmpty()) {
        throw new InvalidSessionInput(
            "Unknown tool '" + entry.getKey() + "'.",
            "Known tools: " + String.join(", ", tools.names()) + ".");
      }
      try {
        parsed.put(entry.getKey(), ToolPolicy.parse(String.valueOf(entry.getValue())).wireName());
      } catch (IllegalArgumentException e) {
        throw new InvalidSessionInput(
            "Bad policy for " + entry.getKey() + ": " + e.getMessage() + ".",
            "Use allow, ask or deny.");
      }
    }
    store.putPolicies(sessionId, parsed);
    return store.policiesOf(sessionId);
  }

  /**
   * A person's decision on an approval. When it answers the request of a turn that a daemon restart
   * interrupted, a new turn is queued that resumes it: it carries that turn's conversation, runs
   * (or refuses) the call as decided, and lets the model finish.
   */
  public Approval decide(String approvalId, Approvals.Verdict verdict) {
    Approval decided = approvals.decide(approvalId, verdict);
    decided.turnId().flatMap(store::findTurn).ifPresent(turn -> resumeIfInterrupted(turn, decided));
    return decided;
  }

  private void resumeIfInterrupted(Turn turn, Approval decided) {
    boolean interrupted =
        turn.status() == TurnStatus.FAILED
            && turn.error().map(e -> e.code() == TurnErrorCode.DAEMON_RESTARTED).orElse(false);
    if (!interrupted || store.findSession(turn.sessionId()).isEmpty()) {
      return;
    }
    boolean alreadyResumed =
        store.turnsOf(turn.sessionId()).stream()
            .anyMatch(
                t ->
                    t.resumeOf().equals(Optional.of(turn.id()))
                        && Set.of(TurnStatus.QUEUED, TurnStatus.RUNNING).contains(t.status()));
    if (alreadyResumed) {
      return;
    }
    Turn resumed = enqueue(turn.sessionId(), turn.userMessage(), Optional.of(turn.id()));
    log.info(
        "approval answered after a restart; resuming session={} turn={} as turn={} approval={}",
        turn.sessionId(),
        turn.id(),
        resumed.id(),
        decided.id());
  }

  private static void checkTitle(String title) {
    if (title.length() > MAX_TITLE) {
      throw new InvalidSessionInput(
          "The title has " + title.length() + " characters; at most " + MAX_TITLE + ".",
          "Use a shorter title.");
    }
  }
}
