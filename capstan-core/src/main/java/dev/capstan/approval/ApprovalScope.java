package dev.capstan.approval;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** How far an approve reaches: this one call, or this tool for the rest of the session. */
public enum ApprovalScope {
  ONCE,
  SESSION;

  /** The lowercase name used on the wire and in the database. */
  @JsonValue
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses {@link #wireName()}. */
  @JsonCreator
  public static ApprovalScope fromWireName(String name) {
    return valueOf(name.trim().toUpperCase(Locale.ROOT));
  }
}
