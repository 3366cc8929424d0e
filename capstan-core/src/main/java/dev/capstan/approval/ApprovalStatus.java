package dev.capstan.approval;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** Where an approval is: pending → approved | denied | cancelled | expired. */
public enum ApprovalStatus {
  PENDING,
  APPROVED,
  DENIED,
  CANCELLED,
  EXPIRED;

  /** The lowercase name used on the wire and in the database. */
  @JsonValue
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses {@link #wireName()}. */
  @JsonCreator
  public static ApprovalStatus fromWireName(String name) {
    return valueOf(name.trim().toUpperCase(Locale.ROOT));
  }
}
