package dev.capstan.approval;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Persistence of approvals. The implementation lives outside core ({@code JdbcApprovalStore}).
 *
 * <p>Contract: {@link #resolve} is a compare-and-set from pending; of concurrent resolutions
 * exactly one wins, and the others get the stored resolution back. Implementations are thread-safe.
 */
public interface ApprovalStore {
  /** Stores a new pending approval. */
  void insert(Approval approval);

  /** The approval with this id. */
  Optional<Approval> find(String id);

  /** Approvals, newest first, only those in {@code status} if given; at most {@code limit}. */
  List<Approval> list(Optional<ApprovalStatus> status, int limit);

  /** The outcome of {@link #resolve}. */
  sealed interface Resolution {
    /** This decision won; the approval as stored now. */
    record Won(Approval approval) implements Resolution {}

    /** Another decision came first; the approval as it was resolved. */
    record AlreadyResolved(Approval approval) implements Resolution {}

    /** No approval has this id. */
    record Missing(String id) implements Resolution {}
  }

  /** Resolves a pending approval, first decision wins. */
  Resolution resolve(String id, Approval.Decision decision);

  /** The pending approvals of a turn. */
  List<Approval> pendingOfTurn(String turnId);

  /** Pending approvals whose expiry is at or before {@code now}. */
  List<Approval> pendingExpiredAt(Instant now);

  /** The approval asked for one tool call of a turn, if any. */
  Optional<Approval> findByToolCall(String turnId, String toolCallId);
}
