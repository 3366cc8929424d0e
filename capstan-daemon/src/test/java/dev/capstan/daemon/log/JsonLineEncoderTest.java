package dev.capstan.daemon.log;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import com.fasterxml.jackson.databind.JsonNode;
import dev.capstan.json.Json;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonLineEncoderTest {
  private final LoggerContext context = new LoggerContext();
  private final JsonLineEncoder encoder = new JsonLineEncoder();

  @Test
  void an_event_is_one_json_line_with_its_fields() throws Exception {
    LoggingEvent event =
        event("task=42 moved \"quoted\"\nsecond line", null, Map.of("task", "42", "attempt", "3"));

    String line = new String(encoder.encode(event), StandardCharsets.UTF_8);

    assertThat(line).endsWith("\n");
    assertThat(line.strip()).doesNotContain("\n");
    JsonNode json = Json.mapper().readTree(line);
    assertThat(json.get("ts").asText()).isEqualTo("2030-01-02T03:04:05Z");
    assertThat(json.get("level").asText()).isEqualTo("INFO");
    assertThat(json.get("logger").asText()).isEqualTo("dev.capstan.test");
    assertThat(json.get("thread").asText()).isEqualTo("main");
    assertThat(json.get("msg").asText()).isEqualTo("task=42 moved \"quoted\"\nsecond line");
    assertThat(json.get("task").asText()).isEqualTo("42");
    assertThat(json.get("attempt").asText()).isEqualTo("3");
    assertThat(json.has("error")).isFalse();
  }

  @Test
  void an_exception_is_one_error_field_on_the_same_line() throws Exception {
    LoggingEvent event = event("failed", new IllegalStateException("boom"), Map.of());

    String line = new String(encoder.encode(event), StandardCharsets.UTF_8);

    assertThat(line.strip()).doesNotContain("\n");
    JsonNode json = Json.mapper().readTree(line);
    assertThat(json.get("error").asText()).contains("IllegalStateException: boom");
  }

  @Test
  void there_is_no_header_or_footer() {
    assertThat(encoder.headerBytes()).isEmpty();
    assertThat(encoder.footerBytes()).isEmpty();
  }

  private LoggingEvent event(String message, Throwable error, Map<String, String> mdc) {
    LoggingEvent event =
        new LoggingEvent(
            "dev.capstan.test",
            context.getLogger("dev.capstan.test"),
            Level.INFO,
            message,
            error,
            new Object[0]);
    event.setInstant(Instant.parse("2030-01-02T03:04:05Z"));
    event.setThreadName("main");
    event.setMDCPropertyMap(mdc);
    return event;
  }
}
