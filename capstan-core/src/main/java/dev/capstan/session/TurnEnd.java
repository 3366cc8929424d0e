package dev.capstan.session;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * How a turn ended: what {@link SessionStore#finishTurn} writes.
 *
 * @param status completed, failed or cancelled
 * @param assistantText the answer, or what there was of it
 * @param error why it failed or was cancelled
 * @param usage token counts, when known
 * @param finishedAt when it ended
 * @param ttftMillis time to the first token, when one came
 * @param totalMillis time from start to end, when it started
 */
public record TurnEnd(
    TurnStatus status,
    String assistantText,
    Optional<Turn.TurnError> error,
    Optional<Turn.TokenUsage> usage,
    Instant finishedAt,
    Optional<Long> ttftMillis,
    Optional<Long> totalMillis) {
  public TurnEnd {
    Objects.requireNonNull(status, "status");
    if (!status.finished()) {
      throw new IllegalArgumentException(
          "a turn ends completed, failed or cancelled, not " + status);
    }
    Objects.requireNonNull(assistantText, "assistantText");
    Objects.requireNonNull(error, "error");
    Objects.requireNonNull(usage, "usage");
    Objects.requireNonNull(finishedAt, "finishedAt");
    Objects.requireNonNull(ttftMillis, "ttftMillis");
    Objects.requireNonNull(totalMillis, "totalMillis");
  }

  /** A turn that ended with {@code error} before or while running, with what text there was. */
  public static TurnEnd failed(
      TurnErrorCode code, String message, String assistantText, Instant at) {
    TurnStatus status = code == TurnErrorCode.CANCELLED ? TurnStatus.CANCELLED : TurnStatus.FAILED;
    return new TurnEnd(
        status,
        assistantText,
        Optional.of(new Turn.TurnError(code, message)),
        Optional.empty(),
        at,
        Optional.empty(),
        Optional.empty());
  }
}
