package dev.capstan.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.capstan.json.Json;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The envelope every transport sends: {@code {"v","stream","seq","type","ts","data"}}. */
class StoredEventTest {
  @Test
  void the_envelope_has_the_documented_fields_in_order() throws Exception {
    StoredEvent event =
        new StoredEvent(
            StreamName.task(42),
            17,
            "task.output",
            Instant.parse("2026-11-21T05:37:21.959589Z"),
            "{\"text\":\"ok\\n\"}");

    JsonNode envelope = Json.mapper().readTree(event.toJson());

    assertThat(envelope.fieldNames())
        .toIterable()
        .containsExactly("v", "stream", "seq", "type", "ts", "data");
    assertThat(event.toJson())
        .isEqualTo(
            "{\"v\":1,\"stream\":\"task/42\",\"seq\":17,\"type\":\"task.output\","
                + "\"ts\":\"2026-11-21T05:37:21.959589Z\",\"data\":{\"text\":\"ok\\n\"}}");
  }

  @Test
  void ts_always_has_six_fractional_digits() throws Exception {
    for (String instant :
        List.of(
            "2030-01-02T03:04:05Z",
            "2030-01-02T03:04:05.120Z",
            "2030-01-02T03:04:05.000001Z",
            "1999-12-31T23:59:59.999999Z")) {
      StoredEvent event =
          new StoredEvent(StreamName.SYSTEM, 1, "daemon.stopping", Instant.parse(instant), "{}");

      String written = Json.mapper().readTree(event.toJson()).path("ts").asText();

      assertThat(written)
          .as("ts of %s", instant)
          .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}Z");
      assertThat(Instant.parse(written)).isEqualTo(Instant.parse(instant));
    }
  }

  @Test
  void seq_starts_at_1() {
    assertThatThrownBy(
            () -> new StoredEvent(StreamName.SYSTEM, 0, "daemon.stopping", Instant.EPOCH, "{}"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
