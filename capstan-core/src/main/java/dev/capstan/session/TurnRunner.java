package dev.capstan.session;

import dev.capstan.approval.Approvals;
import dev.capstan.event.EventData;
import dev.capstan.event.EventLog;
import dev.capstan.event.StreamName;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the persisted turn queue: per session one worker that takes the queued turn with the lowest
 * position, runs it to its end and takes the next, so that turns of one session run one at a time
 * and in order while sessions run in parallel. Workers start when a turn is submitted ({@link
 * #wake}) and at startup ({@link #recover}), and stop when their queue is empty.
 *
 * <p>Every status change is a compare-and-set in the store, committed before its event is appended.
 * The claim (queued → running, with the user's message) commits on its own thread once the first
 * LLM request is on its way, so it neither delays nor competes with building it; the turn stores
 * and publishes nothing before the claim has won, and a lost claim (a cancel or delete came first)
 * stops it without a trace. A cancelled queued turn never starts; a cancelled running turn is
 * stopped through its {@link ActiveTurn#cancelToken()} and its pending approvals are resolved as
 * cancelled at once.
 *
 * <p>Thread-safe.
 */
public final class TurnRunner {
  private static final Logger log = LoggerFactory.getLogger(TurnRunner.class);
  private static final long CANCEL_WAIT_MILLIS = 10_000;

  private final SessionStore store;
  private final Approvals approvals;
  private final EventLog events;
  private final Clock clock;
  private final TurnExecutor executor;
  private final ThreadFactory threads;
  private final Map<String, Object> workers = new ConcurrentHashMap<>();
  private final Map<String, ActiveTurn> activeBySession = new ConcurrentHashMap<>();
  private volatile boolean stopping;

  public TurnRunner(
      SessionStore store,
      Approvals approvals,
      EventLog events,
      Clock clock,
      TurnExecutor executor,
      ThreadFactory threads) {
    this.store = store;
    this.approvals = approvals;
    this.events = events;
    this.clock = clock;
    this.executor = executor;
    this.threads = threads;
  }

  /**
   * Startup recovery: every turn still marked running was in flight when the daemon stopped or
   * crashed; it ends with {@code DAEMON_RESTARTED} (its partial output stays). Its pending
   * approvals stay pending and answerable. Then every session with queued turns gets a worker.
   */
  public void recover() {
    for (Turn interrupted : store.turnsIn(TurnStatus.RUNNING)) {
      String message =
          "The daemon stopped while this turn was running; it did not finish."
              + " Pending approvals of it stay answerable.";
      TurnEnd end =
          TurnEnd.failed(
              TurnErrorCode.DAEMON_RESTARTED,
              message,
              interrupted.assistantText(),
              clock.instant());
      if (store.finishTurn(interrupted.id(), Set.of(TurnStatus.RUNNING), end)) {
        events.append(
            StreamName.session(interrupted.sessionId()),
            new EventData.TurnFailed(
                interrupted.id(), TurnErrorCode.DAEMON_RESTARTED.name(), message));
        log.warn(
            "turn interrupted by a restart session={} turn={}; marked DAEMON_RESTARTED",
            interrupted.sessionId(),
            interrupted.id());
      }
    }
    Set<String> sessions = new LinkedHashSet<>();
    for (Turn queued : store.turnsIn(TurnStatus.QUEUED)) {
      sessions.add(queued.sessionId());
    }
    sessions.forEach(this::wake);
    if (!sessions.isEmpty()) {
      log.info("resuming queued turns sessions={}", sessions.size());
    }
  }

  /**
   * A turn started before its enqueue committed ({@link #startEarly}); the submitter reports how
   * the enqueue ended, and the turn's claim waits for that.
   *
   * <p>Thread-safe.
   */
  public static final class EarlyStart {
    private final CompletableFuture<Optional<Turn>> enqueued = new CompletableFuture<>();

    private EarlyStart() {}

    /** The turn is stored as queued and its {@code turn.queued} appended. */
    public void enqueued(Turn turn) {
      enqueued.complete(Optional.of(turn));
    }

    /** The turn was not stored (the enqueue failed, or an idempotency key answered another). */
    public void abandon() {
      enqueued.complete(Optional.empty());
    }

    Optional<Turn> await() {
      return enqueued.join();
    }
  }

  /**
   * Starts a turn whose enqueue is still committing, when no worker runs for its session: a new
   * worker runs it at once and then drains the queue as usual. The turn's claim waits until the
   * submitter reports the enqueue, and loses (dropping what ran, without a trace) when the turn was
   * not stored or an older queued turn must go first; the worker then takes the queue in order.
   *
   * @return empty when a worker already runs for the session (submit, then {@link #wake})
   */
  public Optional<EarlyStart> startEarly(
      Session session, String turnId, String message, Instant queuedAt) {
    if (stopping) {
      return Optional.empty();
    }
    Object worker = new Object();
    if (workers.putIfAbsent(session.id(), worker) != null) {
      return Optional.empty();
    }
    EarlyStart early = new EarlyStart();
    // why: its position is not known before the commit; the highest possible one makes every
    // completed turn of the session its history, which is exact once its claim has won.
    Turn turn =
        new Turn(
            turnId,
            session.id(),
            Long.MAX_VALUE,
            TurnStatus.QUEUED,
            message,
            "",
            Optional.empty(),
            Optional.empty(),
            queuedAt,
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty());
    try {
      threads
          .newThread(
              () -> drain(session.id(), worker, Optional.of(new First(turn, session, early))))
          .start();
    } catch (RuntimeException | Error e) {
      workers.remove(session.id(), worker);
      throw e;
    }
    return Optional.of(early);
  }

  /** The turn a worker started early runs first. */
  private record First(Turn turn, Session session, EarlyStart early) {}

  /** Makes sure a worker drains the session's queue. */
  public void wake(String sessionId) {
    if (stopping) {
      return;
    }
    Object worker = new Object();
    // why: the entry goes in before the thread starts, so the thread's removal cannot come first.
    if (workers.putIfAbsent(sessionId, worker) == null) {
      threads.newThread(() -> drain(sessionId, worker, Optional.empty())).start();
    }
  }

  /** The running turn of a session, if any. */
  public Optional<ActiveTurn> active(String sessionId) {
    return Optional.ofNullable(activeBySession.get(sessionId));
  }

  /**
   * Cancels one turn, or (without an id) the running and queued turns of a session. Waits (a
   * bounded while) until a running turn has really stopped.
   *
   * @return the ids of the turns cancelled
   * @throws TurnNotFound when the session has no such turn
   * @throws TurnNotActive when the turn has already ended
   */
  public List<String> cancel(String sessionId, Optional<String> turnId) {
    List<String> cancelled = new ArrayList<>();
    if (turnId.isPresent()) {
      Turn turn =
          store
              .findTurn(turnId.get())
              .filter(t -> t.sessionId().equals(sessionId))
              .orElseThrow(() -> new TurnNotFound(sessionId, turnId.get()));
      if (turn.status().finished()) {
        throw new TurnNotActive(turn);
      }
      if (cancelQueued(turn) || cancelRunning(sessionId, turn.id())) {
        cancelled.add(turn.id());
      }
      return cancelled;
    }
    // why: queued turns first, so the worker cannot start the next one while the running one stops.
    for (Turn turn : store.turnsOf(sessionId)) {
      if (turn.status() == TurnStatus.QUEUED && cancelQueued(turn)) {
        cancelled.add(turn.id());
      }
    }
    ActiveTurn active = activeBySession.get(sessionId);
    // why: a turn whose claim had not committed yet was cancelled as queued above.
    if (active != null
        && !cancelled.contains(active.turn().id())
        && cancelRunning(sessionId, active.turn().id())) {
      cancelled.add(active.turn().id());
    }
    return cancelled;
  }

  private boolean cancelQueued(Turn turn) {
    String message = "Cancelled before it started.";
    if (store.finishTurn(
        turn.id(),
        Set.of(TurnStatus.QUEUED),
        TurnEnd.failed(TurnErrorCode.CANCELLED, message, "", clock.instant()))) {
      events.append(
          StreamName.session(turn.sessionId()),
          new EventData.TurnFailed(turn.id(), TurnErrorCode.CANCELLED.name(), message));
      log.info("queued turn cancelled session={} turn={}", turn.sessionId(), turn.id());
      return true;
    }
    return false;
  }

  private boolean cancelRunning(String sessionId, String turnId) {
    ActiveTurn active = activeBySession.get(sessionId);
    if (active == null || !active.turn().id().equals(turnId)) {
      // Race: the turn ended between the read and the cancel; nothing left to stop.
      return false;
    }
    log.info("cancelling running turn session={} turn={}", sessionId, turnId);
    active.cancel();
    approvals.cancelPendingOfTurn(turnId, "The turn was cancelled.");
    if (!active.awaitEnd(CANCEL_WAIT_MILLIS)) {
      log.warn(
          "turn did not stop within {} ms of its cancel session={} turn={}",
          CANCEL_WAIT_MILLIS,
          sessionId,
          turnId);
    }
    return true;
  }

  /** Stops every worker; running turns stay marked running and end at the next start. */
  public void shutdown() {
    stopping = true;
    for (ActiveTurn active : activeBySession.values()) {
      active.stopForShutdown();
    }
  }

  private void drain(String sessionId, Object worker, Optional<First> first) {
    try {
      if (first.isPresent() && !stopping) {
        runOne(first.get().turn(), first.get().session(), Optional.of(first.get().early()));
      }
      while (!stopping) {
        Optional<Turn> next = store.nextQueued(sessionId);
        if (next.isEmpty()) {
          break;
        }
        runOne(next.get());
      }
    } catch (Throwable e) {
      log.error("turn worker failed session={}; the next submission restarts it", sessionId, e);
    } finally {
      workers.remove(sessionId, worker);
    }
    // Race: a turn submitted after the last empty read but before the removal found a worker and
    // started none; look once more.
    if (!stopping && store.nextQueued(sessionId).isPresent()) {
      wake(sessionId);
    }
  }

  private void runOne(Turn queued) {
    Optional<Session> session = store.findSession(queued.sessionId());
    if (session.isEmpty()) {
      // Race: its session was deleted between the read and now.
      return;
    }
    runOne(queued, session.get(), Optional.empty());
  }

  private void runOne(Turn queued, Session session, Optional<EarlyStart> early) {
    Instant startedAt = clock.instant();
    // why: a new turn's conversation starts with the user's message; storing it with the claim
    // saves a commit before the LLM request. A resumed turn copies its conversation instead.
    List<ConversationMessage> opening =
        queued.resumeOf().isPresent()
            ? List.of()
            : List.of(
                new ConversationMessage(
                    queued.id(),
                    0,
                    ConversationMessage.Role.USER,
                    queued.userMessage(),
                    List.of(),
                    Optional.empty(),
                    Optional.empty(),
                    startedAt));
    ActiveTurn active = new ActiveTurn(queued, session, opening);
    activeBySession.put(queued.sessionId(), active);
    try {
      // why: the claim's commit runs on its own thread once the LLM request is on its way, so it
      // neither delays the request nor competes with building it; the loop stores and publishes
      // nothing before the claim has won (SessionHost waits, and waiting starts the claim if no
      // request went out).
      active.claimWith(() -> threads.newThread(() -> claim(active, startedAt, early)).start());
      TurnEnd end;
      try {
        end = executor.run(active);
      } catch (RuntimeException e) {
        log.error(
            "turn failed unexpectedly session={} turn={}", queued.sessionId(), queued.id(), e);
        end =
            TurnEnd.failed(
                TurnErrorCode.INTERNAL,
                "Internal error: " + e.getMessage() + " (details in the daemon log).",
                "",
                clock.instant());
      }
      if (!active.awaitClaim()) {
        // Race: cancelled (or its session deleted) before the claim; what ran is dropped.
        return;
      }
      if (active.shuttingDown()) {
        return;
      }
      if (active.cancelled() && end.status() != TurnStatus.CANCELLED) {
        end =
            TurnEnd.failed(
                TurnErrorCode.CANCELLED,
                "Cancelled while running.",
                end.assistantText(),
                end.finishedAt());
      }
      finish(queued, end);
    } finally {
      activeBySession.remove(queued.sessionId(), active);
      active.markEnded();
    }
  }

  /** Moves the turn queued → running with its opening messages, then announces it. */
  private void claim(ActiveTurn active, Instant at, Optional<EarlyStart> early) {
    Turn turn = active.turn();
    boolean won;
    try {
      won = mayClaim(turn, early) && store.markRunning(turn.id(), at, active.opening());
    } catch (RuntimeException | Error e) {
      active.claimFailed(
          e instanceof RuntimeException runtime
              ? runtime
              : new IllegalStateException("claiming turn " + turn.id() + " failed", e));
      active.cancel();
      return;
    }
    if (won) {
      events.append(
          StreamName.session(turn.sessionId()),
          new EventData.TurnStarted(
              turn.sessionId(), turn.id(), active.session().model().orElse("")));
      log.info("turn started session={} turn={}", turn.sessionId(), turn.id());
    }
    // why: report first, then cancel: an answer already streaming waits for the claim while it
    // holds the LLM call's delivery lock, and cancelling the call needs that lock.
    active.claimDone(won);
    if (!won) {
      // A lost claim: a cancel, a delete or an older queued turn came first, or the turn was
      // never stored; the LLM call stops at once and what it produced is dropped.
      active.cancel();
    }
  }

  /** Whether an early started turn was stored and is next in its session's queue. */
  private boolean mayClaim(Turn turn, Optional<EarlyStart> early) {
    if (early.isEmpty()) {
      return true;
    }
    if (early.get().await().isEmpty()) {
      return false;
    }
    // why: a turn left queued by a failed worker is older and goes first; this one stays queued.
    Optional<Turn> next = store.nextQueued(turn.sessionId());
    return next.isPresent() && next.get().id().equals(turn.id());
  }

  private void finish(Turn turn, TurnEnd end) {
    StreamName stream = StreamName.session(turn.sessionId());
    if (!store.finishTurn(turn.id(), Set.of(TurnStatus.RUNNING), end)) {
      log.warn(
          "turn was no longer running when it ended session={} turn={}",
          turn.sessionId(),
          turn.id());
      return;
    }
    // why: the last deltas go out before the event that ends the turn.
    events.flushOutput(stream);
    EventData data =
        end.error()
            .<EventData>map(
                error -> new EventData.TurnFailed(turn.id(), error.code().name(), error.message()))
            .orElseGet(
                () ->
                    new EventData.TurnCompleted(
                        turn.id(),
                        end.usage().map(Turn.TokenUsage::promptTokens).orElse(null),
                        end.usage().map(Turn.TokenUsage::completionTokens).orElse(null),
                        end.ttftMillis().orElse(null),
                        end.totalMillis().orElse(0L)));
    events.append(stream, data);
    log.info(
        "turn ended session={} turn={} status={} code={}",
        turn.sessionId(),
        turn.id(),
        end.status().wireName(),
        end.error().map(e -> e.code().name()).orElse("-"));
  }
}
