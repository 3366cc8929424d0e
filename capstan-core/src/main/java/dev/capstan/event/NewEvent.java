package dev.capstan.event;

import java.time.Instant;
import java.util.Objects;

/**
 * An event on its way into the store: everything but its seq.
 *
 * @param stream where it goes
 * @param type its type
 * @param ts when it happened
 * @param dataJson its payload, already encoded as a JSON object
 */
public record NewEvent(StreamName stream, EventType type, Instant ts, String dataJson) {
  public NewEvent {
    Objects.requireNonNull(stream, "stream");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(ts, "ts");
    Objects.requireNonNull(dataJson, "dataJson");
  }
}
