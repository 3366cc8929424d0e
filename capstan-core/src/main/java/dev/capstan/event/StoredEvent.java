package dev.capstan.event;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.util.Locale;
import java.util.Objects;

/**
 * A committed event: the envelope {@code {"v":1,"stream","seq","type","ts","data"}}.
 *
 * <p>Immutable and thread-safe.
 *
 * @param stream its stream
 * @param seq its position in the stream, from 1, gap-free
 * @param type its wire type name
 * @param ts when it happened
 * @param dataJson its payload as a JSON object
 */
public record StoredEvent(StreamName stream, long seq, String type, Instant ts, String dataJson) {
  /** Envelope format version. */
  public static final int VERSION = 1;

  // why: always six fractional digits (microseconds), as documented; Instant.toString drops
  // trailing zero groups ("…:05Z", "…:05.120Z").
  private static final DateTimeFormatter TS =
      new DateTimeFormatterBuilder().appendInstant(6).toFormatter(Locale.ROOT);

  public StoredEvent {
    Objects.requireNonNull(stream, "stream");
    if (seq < 1) {
      throw new IllegalArgumentException("seq must be >= 1, was " + seq);
    }
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(ts, "ts");
    Objects.requireNonNull(dataJson, "dataJson");
  }

  /** The envelope as one line of JSON (the payload is spliced in as is). */
  public String toJson() {
    StringBuilder json = new StringBuilder(96 + dataJson.length());
    json.append("{\"v\":").append(VERSION).append(",\"stream\":\"").append(stream.value());
    json.append("\",\"seq\":").append(seq).append(",\"type\":\"").append(type);
    json.append("\",\"ts\":\"")
        .append(TS.format(ts))
        .append("\",\"data\":")
        .append(dataJson)
        .append('}');
    return json.toString();
  }
}
