package dev.capstan.llm;

import java.util.Objects;

/**
 * One dispatched Server-Sent Event.
 *
 * @param event the {@code event:} name, {@code message} when none was given
 * @param data the {@code data:} lines joined with {@code \n}
 */
record SseEvent(String event, String data) {
  SseEvent {
    Objects.requireNonNull(event, "event");
    Objects.requireNonNull(data, "data");
  }
}
