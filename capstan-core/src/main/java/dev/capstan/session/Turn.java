package dev.capstan.session;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One user message and everything the agent did for it.
 *
 * <p>Immutable and thread-safe.
 *
 * @param id its id
 * @param sessionId its session
 * @param position its place in the session's queue, from 1
 * @param status where it is
 * @param userMessage what the user asked
 * @param assistantText what the assistant answered so far (partial for failed or cancelled turns)
 * @param error why it failed or was cancelled
 * @param usage token counts, when the server reported them
 * @param queuedAt when it was submitted
 * @param startedAt when it started running
 * @param finishedAt when it ended
 * @param ttftMillis time from start to the first token of the answer
 * @param totalMillis time from start to end
 * @param resumeOf the turn this one resumes (after a restart interrupted it and an approval came)
 */
public record Turn(
    String id,
    String sessionId,
    long position,
    TurnStatus status,
    String userMessage,
    String assistantText,
    Optional<TurnError> error,
    Optional<TokenUsage> usage,
    Instant queuedAt,
    Optional<Instant> startedAt,
    Optional<Instant> finishedAt,
    Optional<Long> ttftMillis,
    Optional<Long> totalMillis,
    Optional<String> resumeOf) {
  public Turn {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(sessionId, "sessionId");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(userMessage, "userMessage");
    Objects.requireNonNull(assistantText, "assistantText");
    Objects.requireNonNull(error, "error");
    Objects.requireNonNull(usage, "usage");
    Objects.requireNonNull(queuedAt, "queuedAt");
    Objects.requireNonNull(startedAt, "startedAt");
    Objects.requireNonNull(finishedAt, "finishedAt");
    Objects.requireNonNull(ttftMillis, "ttftMillis");
    Objects.requireNonNull(totalMillis, "totalMillis");
    Objects.requireNonNull(resumeOf, "resumeOf");
  }

  /**
   * Why a turn failed.
   *
   * @param code the stable code
   * @param message what happened, for a person
   */
  public record TurnError(TurnErrorCode code, String message) {
    public TurnError {
      Objects.requireNonNull(code, "code");
      Objects.requireNonNull(message, "message");
    }
  }

  /**
   * Token counts of a turn, summed over its LLM calls.
   *
   * @param promptTokens tokens sent
   * @param completionTokens tokens generated
   */
  public record TokenUsage(long promptTokens, long completionTokens) {}
}
