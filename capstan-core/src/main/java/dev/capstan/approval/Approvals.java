package dev.capstan.approval;

import dev.capstan.event.EventData;
import dev.capstan.event.EventLog;
import dev.capstan.event.StreamName;
import dev.capstan.id.RandomIds;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Durable permission requests: {@link #request} stores a pending approval and announces it; any
 * client resolves it with {@link #decide}; the first decision wins. Cancelling a turn resolves its
 * pending approvals as cancelled, and {@link #expireDue} applies the timeout.
 *
 * <p>Every change is committed before its {@code permission.request} / {@code permission.resolved}
 * event is appended (on the owner's stream and on {@code approvals}), and only then is a waiting
 * call woken. Waiters live in memory: after a restart nothing waits, but the rows stay pending and
 * answerable.
 *
 * <p>Thread-safe.
 */
public final class Approvals {
  private static final Logger log = LoggerFactory.getLogger(Approvals.class);

  /** Who resolves approvals of a cancelled turn, in {@code decidedBy}. */
  public static final String BY_CANCEL = "cancel";

  /** Who resolves expired approvals, in {@code decidedBy}. */
  public static final String BY_TIMEOUT = "timeout";

  // why: pending approvals are a handful in practice; the scan is bounded all the same.
  private static final int MAX_PENDING_SCAN = 10_000;

  private final ApprovalStore store;
  private final EventLog events;
  private final Clock clock;
  private final ApprovalSettings settings;
  private final RandomIds ids;
  private final SessionGrant grant;
  private final Map<String, CompletableFuture<Approval>> waiters = new ConcurrentHashMap<>();

  /** Stores "allow this tool for this session" when an approve has scope {@code session}. */
  @FunctionalInterface
  public interface SessionGrant {
    /** Allows {@code tool} for the rest of session {@code sessionId}. */
    void allow(String sessionId, String tool);
  }

  /**
   * A decision as a client sends it.
   *
   * @param approve approve (true) or deny
   * @param scope for an approve: once or session
   * @param decidedBy who decides (a client name)
   * @param reason why (may be empty)
   */
  public record Verdict(boolean approve, ApprovalScope scope, String decidedBy, String reason) {
    public Verdict {
      Objects.requireNonNull(scope, "scope");
      Objects.requireNonNull(decidedBy, "decidedBy");
      Objects.requireNonNull(reason, "reason");
    }
  }

  public Approvals(
      ApprovalStore store,
      EventLog events,
      Clock clock,
      ApprovalSettings settings,
      RandomIds ids,
      SessionGrant grant) {
    this.store = store;
    this.events = events;
    this.clock = clock;
    this.settings = settings;
    this.ids = ids;
    this.grant = grant;
  }

  /** The timeout settings. */
  public ApprovalSettings settings() {
    return settings;
  }

  /**
   * Stores a pending approval, announces it, and returns it; {@link #awaitResolution} waits for its
   * decision.
   */
  public Approval request(ApprovalRequest request) {
    Instant now = clock.instant();
    Approval approval =
        new Approval(
            ids.next("a"),
            request.tool(),
            Approval.preview(request.arguments()),
            request.sessionId(),
            request.turnId(),
            request.taskId(),
            request.toolCallId(),
            now,
            settings.timeout().map(now::plus),
            ApprovalStatus.PENDING,
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty());
    waiters.put(approval.id(), new CompletableFuture<>());
    store.insert(approval);
    EventData.PermissionRequest event =
        new EventData.PermissionRequest(
            approval.id(),
            approval.tool(),
            approval.argumentsPreview(),
            approval.sessionId().orElse(null),
            approval.turnId().orElse(null),
            approval.taskId().orElse(null),
            approval.requestedAt().toString(),
            approval.expiresAt().map(Instant::toString).orElse(null));
    events.append(ApprovalRequest.ownerStream(approval), event);
    events.append(StreamName.APPROVALS, event);
    log.info(
        "permission requested approval={} tool={} session={} turn={} task={}",
        approval.id(),
        approval.tool(),
        approval.sessionId().orElse("-"),
        approval.turnId().orElse("-"),
        approval.taskId().map(String::valueOf).orElse("-"));
    return approval;
  }

  /**
   * The resolution of {@code approvalId}, completing once it is resolved (at once when it already
   * is).
   */
  public CompletableFuture<Approval> awaitResolution(String approvalId) {
    CompletableFuture<Approval> waiter =
        waiters.computeIfAbsent(approvalId, id -> new CompletableFuture<>());
    // Race: the decision may have been stored before the waiter was registered.
    store
        .find(approvalId)
        .filter(a -> a.status() != ApprovalStatus.PENDING)
        .ifPresent(
            resolved -> {
              waiters.remove(approvalId, waiter);
              waiter.complete(resolved);
            });
    return waiter;
  }

  /** Forgets the waiter of an approval the caller no longer waits for. */
  public void stopWaiting(String approvalId) {
    waiters.remove(approvalId);
  }

  /**
   * A client's decision.
   *
   * @return the resolved approval
   * @throws ApprovalNotFound when no approval has this id
   * @throws ApprovalAlreadyResolved when another decision came first
   */
  public Approval decide(String approvalId, Verdict verdict) {
    ApprovalStatus status = verdict.approve() ? ApprovalStatus.APPROVED : ApprovalStatus.DENIED;
    Optional<ApprovalScope> scope =
        verdict.approve() ? Optional.of(verdict.scope()) : Optional.empty();
    Approval approval =
        switch (store.resolve(
            approvalId,
            new Approval.Decision(
                status, scope, verdict.decidedBy(), verdict.reason(), clock.instant()))) {
          case ApprovalStore.Resolution.Won won -> won.approval();
          case ApprovalStore.Resolution.AlreadyResolved already ->
              throw new ApprovalAlreadyResolved(already.approval());
          case ApprovalStore.Resolution.Missing missing -> throw new ApprovalNotFound(missing.id());
        };
    if (scope.equals(Optional.of(ApprovalScope.SESSION)) && approval.sessionId().isPresent()) {
      grant.allow(approval.sessionId().get(), approval.tool());
    }
    announce(approval);
    return approval;
  }

  /** Resolves the pending approvals of a turn as cancelled; returns them. */
  public List<Approval> cancelPendingOfTurn(String turnId, String reason) {
    return store.pendingOfTurn(turnId).stream()
        .flatMap(
            pending -> resolveQuietly(pending.id(), ApprovalStatus.CANCELLED, BY_CANCEL, reason))
        .toList();
  }

  /**
   * Resolves one approval as cancelled, if it is still pending (a person's decision that came first
   * stands).
   *
   * @return the approval as cancelled now, or empty when it was no longer pending
   */
  public Optional<Approval> cancel(String approvalId, String reason) {
    return resolveQuietly(approvalId, ApprovalStatus.CANCELLED, BY_CANCEL, reason).findFirst();
  }

  /**
   * Resolves every pending approval owned by a task as cancelled; returns them. Used at startup:
   * whatever waited for them is gone with the daemon that ran it.
   */
  public List<Approval> cancelPendingOfTasks(String reason) {
    List<Approval> cancelled = new java.util.ArrayList<>();
    for (Approval approval : store.list(Optional.of(ApprovalStatus.PENDING), MAX_PENDING_SCAN)) {
      if (approval.taskId().isPresent()) {
        cancel(approval.id(), reason).ifPresent(cancelled::add);
      }
    }
    return cancelled;
  }

  /** Resolves every pending approval past its expiry as expired; returns how many. */
  public int expireDue() {
    int expired = 0;
    for (Approval due : store.pendingExpiredAt(clock.instant())) {
      String reason =
          "No decision before "
              + due.expiresAt().map(Instant::toString).orElse("the deadline")
              + "; timeout action: "
              + settings.timeoutAction().name().toLowerCase(java.util.Locale.ROOT)
              + ".";
      expired += (int) resolveQuietly(due.id(), ApprovalStatus.EXPIRED, BY_TIMEOUT, reason).count();
    }
    return expired;
  }

  /** The approval with this id. */
  public Approval get(String approvalId) {
    return store.find(approvalId).orElseThrow(() -> new ApprovalNotFound(approvalId));
  }

  /** Approvals, newest first, only those in {@code status} if given. */
  public List<Approval> list(Optional<ApprovalStatus> status, int limit) {
    return store.list(status, limit);
  }

  private java.util.stream.Stream<Approval> resolveQuietly(
      String approvalId, ApprovalStatus status, String by, String reason) {
    ApprovalStore.Resolution resolution =
        store.resolve(
            approvalId,
            new Approval.Decision(status, Optional.empty(), by, reason, clock.instant()));
    if (resolution instanceof ApprovalStore.Resolution.Won won) {
      announce(won.approval());
      return java.util.stream.Stream.of(won.approval());
    }
    // Race: a person's decision came first; it stands.
    return java.util.stream.Stream.empty();
  }

  private void announce(Approval approval) {
    EventData.PermissionResolved event =
        new EventData.PermissionResolved(
            approval.id(),
            approval.status().wireName(),
            approval.scope().map(ApprovalScope::wireName).orElse(null),
            approval.decidedBy().orElse(""),
            approval.reason().orElse(""),
            approval.sessionId().orElse(null),
            approval.turnId().orElse(null),
            approval.taskId().orElse(null));
    events.append(ApprovalRequest.ownerStream(approval), event);
    events.append(StreamName.APPROVALS, event);
    log.info(
        "permission resolved approval={} status={} by={}",
        approval.id(),
        approval.status().wireName(),
        approval.decidedBy().orElse("-"));
    CompletableFuture<Approval> waiter = waiters.remove(approval.id());
    if (waiter != null) {
      waiter.complete(approval);
    }
  }
}
