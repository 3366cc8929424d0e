package dev.capstan.session;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** Where a turn is: queued → running → completed | failed | cancelled (queued may be cancelled). */
public enum TurnStatus {
  QUEUED,
  RUNNING,
  COMPLETED,
  FAILED,
  CANCELLED;

  /** The lowercase name used on the wire and in the database. */
  @JsonValue
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Whether the turn is over. */
  public boolean finished() {
    return this == COMPLETED || this == FAILED || this == CANCELLED;
  }

  /** Parses {@link #wireName()}. */
  @JsonCreator
  public static TurnStatus fromWireName(String name) {
    return valueOf(name.toUpperCase(Locale.ROOT));
  }
}
