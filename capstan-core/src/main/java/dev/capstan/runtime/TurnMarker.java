package dev.capstan.runtime;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The mark every process a session turn's tools start carries in its environment, as {@code
 * CAPSTAN_RUN_MARKER=<home hash>/turn/<turn id>} (the variable of {@link RunMarker}, with a value
 * that is never a task's). No turn survives a daemon restart, so a restarted daemon kills every
 * process carrying its home's turn marker: a command a dead daemon left running.
 *
 * <p>Immutable and thread-safe.
 *
 * @param homeHash the daemon home, as {@link RunMarker#homeHash} gives it
 * @param turnId the turn whose tool started the process
 */
public record TurnMarker(String homeHash, String turnId) {
  private static final Pattern TURN_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
  private static final Pattern FORMAT =
      Pattern.compile("([0-9a-f]{16})/turn/([A-Za-z0-9_-]{1,64})");

  public TurnMarker {
    RunMarker.requireHomeHash(homeHash);
    Objects.requireNonNull(turnId, "turnId");
    if (!TURN_ID.matcher(turnId).matches()) {
      throw new IllegalArgumentException("not a turn id: " + turnId);
    }
  }

  /** Parses a marker value; empty when it is not a turn's. */
  public static Optional<TurnMarker> parse(String value) {
    Matcher matcher = FORMAT.matcher(value == null ? "" : value);
    return matcher.matches()
        ? Optional.of(new TurnMarker(matcher.group(1), matcher.group(2)))
        : Optional.empty();
  }

  /** The value of {@link RunMarker#ENV}. */
  public String value() {
    return homeHash + "/turn/" + turnId;
  }
}
