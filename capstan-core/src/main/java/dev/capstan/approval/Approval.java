package dev.capstan.approval;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A durable permission request for one tool call, and its resolution.
 *
 * <p>Immutable and thread-safe.
 *
 * @param id its id
 * @param tool the tool to be called
 * @param argumentsPreview the call's arguments, truncated for display
 * @param sessionId the session whose turn asked, if a session asked
 * @param turnId that turn
 * @param taskId the task that asked, if a task asked
 * @param toolCallId the model's id of the call
 * @param requestedAt when it was asked
 * @param expiresAt when it resolves by itself (the timeout action), if ever
 * @param status where it is
 * @param scope for an approve: once or for the rest of the session
 * @param decidedBy who resolved it (a client name, {@code timeout}, {@code cancel})
 * @param reason why, as given
 * @param decidedAt when
 */
public record Approval(
    String id,
    String tool,
    String argumentsPreview,
    Optional<String> sessionId,
    Optional<String> turnId,
    Optional<Long> taskId,
    Optional<String> toolCallId,
    Instant requestedAt,
    Optional<Instant> expiresAt,
    ApprovalStatus status,
    Optional<ApprovalScope> scope,
    Optional<String> decidedBy,
    Optional<String> reason,
    Optional<Instant> decidedAt) {
  /** Longest arguments preview kept, in characters. */
  public static final int PREVIEW_CHARS = 500;

  public Approval {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(tool, "tool");
    Objects.requireNonNull(argumentsPreview, "argumentsPreview");
    Objects.requireNonNull(sessionId, "sessionId");
    Objects.requireNonNull(turnId, "turnId");
    Objects.requireNonNull(taskId, "taskId");
    Objects.requireNonNull(toolCallId, "toolCallId");
    Objects.requireNonNull(requestedAt, "requestedAt");
    Objects.requireNonNull(expiresAt, "expiresAt");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(scope, "scope");
    Objects.requireNonNull(decidedBy, "decidedBy");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(decidedAt, "decidedAt");
  }

  /** {@code text} cut to {@link #PREVIEW_CHARS}, with an ellipsis when cut. */
  public static String preview(String text) {
    if (text.length() <= PREVIEW_CHARS) {
      return text;
    }
    int end = PREVIEW_CHARS;
    if (Character.isHighSurrogate(text.charAt(end - 1))) {
      end--;
    }
    return text.substring(0, end) + "…";
  }

  /**
   * A resolution to store.
   *
   * @param status approved, denied, cancelled or expired
   * @param scope for an approve
   * @param decidedBy who
   * @param reason why (may be empty)
   * @param decidedAt when
   */
  public record Decision(
      ApprovalStatus status,
      Optional<ApprovalScope> scope,
      String decidedBy,
      String reason,
      Instant decidedAt) {
    public Decision {
      Objects.requireNonNull(status, "status");
      if (status == ApprovalStatus.PENDING) {
        throw new IllegalArgumentException("a decision resolves; it cannot be pending");
      }
      Objects.requireNonNull(scope, "scope");
      Objects.requireNonNull(decidedBy, "decidedBy");
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(decidedAt, "decidedAt");
    }
  }
}
