package dev.capstan.approval;

import dev.capstan.event.StreamName;
import java.util.Objects;
import java.util.Optional;

/**
 * What a tool call under {@code ask} asks a person.
 *
 * @param tool the tool
 * @param arguments the arguments as the model wrote them (previewed, truncated)
 * @param sessionId the asking session (with {@code turnId}), or empty for a task
 * @param turnId the asking turn
 * @param taskId the asking task, or empty for a session
 * @param toolCallId the model's id of the call
 */
public record ApprovalRequest(
    String tool,
    String arguments,
    Optional<String> sessionId,
    Optional<String> turnId,
    Optional<Long> taskId,
    Optional<String> toolCallId) {
  public ApprovalRequest {
    Objects.requireNonNull(tool, "tool");
    Objects.requireNonNull(arguments, "arguments");
    Objects.requireNonNull(sessionId, "sessionId");
    Objects.requireNonNull(turnId, "turnId");
    Objects.requireNonNull(taskId, "taskId");
    Objects.requireNonNull(toolCallId, "toolCallId");
    if (sessionId.isPresent() == taskId.isPresent()) {
      throw new IllegalArgumentException("an approval belongs to a session or to a task");
    }
  }

  /** A request of a session's turn. */
  public static ApprovalRequest ofTurn(
      String sessionId, String turnId, String toolCallId, String tool, String arguments) {
    return new ApprovalRequest(
        tool,
        arguments,
        Optional.of(sessionId),
        Optional.of(turnId),
        Optional.empty(),
        Optional.of(toolCallId));
  }

  /** A request of a task's attempt (the built-in agent running as a task agent). */
  public static ApprovalRequest ofTask(
      long taskId, String toolCallId, String tool, String arguments) {
    return new ApprovalRequest(
        tool,
        arguments,
        Optional.empty(),
        Optional.empty(),
        Optional.of(taskId),
        Optional.of(toolCallId));
  }

  /** The stream of the owner: {@code session/<id>} or {@code task/<id>}. */
  static StreamName ownerStream(Approval approval) {
    return approval
        .sessionId()
        .map(StreamName::session)
        .orElseGet(() -> StreamName.task(approval.taskId().orElseThrow()));
  }
}
