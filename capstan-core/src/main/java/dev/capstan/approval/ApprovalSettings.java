package dev.capstan.approval;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * How long a permission request may wait, and what happens when nobody answers in time.
 *
 * <p>Immutable and thread-safe.
 *
 * @param timeout how long a request stays pending; empty means until someone answers
 * @param timeoutAction what an expired request does to the waiting call
 */
public record ApprovalSettings(Optional<Duration> timeout, TimeoutAction timeoutAction) {
  /** No timeout; deny when one is set. */
  public static final ApprovalSettings DEFAULTS =
      new ApprovalSettings(Optional.empty(), TimeoutAction.DENY);

  public ApprovalSettings {
    Objects.requireNonNull(timeout, "timeout");
    Objects.requireNonNull(timeoutAction, "timeoutAction");
    if (timeout.isPresent() && (timeout.get().isNegative() || timeout.get().isZero())) {
      throw new IllegalArgumentException("approvals.timeout must be positive, was " + timeout);
    }
  }

  /** What an expired request does. */
  public enum TimeoutAction {
    /** The call is refused; the model is told it was not approved in time and the turn goes on. */
    DENY,
    /** The whole turn (or task) is cancelled. */
    CANCEL;

    /** Parses {@code deny} or {@code cancel}. */
    public static TimeoutAction parse(String text) {
      return switch (text.strip().toLowerCase(Locale.ROOT)) {
        case "deny" -> DENY;
        case "cancel" -> CANCEL;
        default ->
            throw new IllegalArgumentException(
                "expected deny or cancel, was '" + text.strip() + "'");
      };
    }
  }
}
