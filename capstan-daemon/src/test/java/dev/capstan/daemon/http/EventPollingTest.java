package dev.capstan.daemon.http;

import static dev.capstan.daemon.ErrorShape.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.capstan.daemon.RunningDaemon;
import dev.capstan.event.EventData;
import dev.capstan.event.StoredEvent;
import dev.capstan.event.StreamName;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code GET /api/events}: paging, limits and the errors for bad parameters. */
class EventPollingTest {
  private static final AtomicLong TASK_IDS = new AtomicLong(5_000);

  @TempDir static Path home;

  private static RunningDaemon daemon;

  @BeforeAll
  static void start_daemon() {
    daemon = RunningDaemon.start(home);
  }

  @AfterAll
  static void stop_daemon() {
    daemon.close();
  }

  @Test
  void pages_cover_the_stream_once_in_order_and_report_its_last_seq() {
    StreamName stream = freshStream();
    append(stream, 2_345);

    List<Long> seqs = new ArrayList<>();
    List<Integer> sizes = new ArrayList<>();
    long after = 0;
    while (true) {
      JsonNode page = page(stream.value(), "&afterSeq=" + after + "&limit=1000");
      assertThat(page.path("stream").asText()).isEqualTo(stream.value());
      assertThat(page.path("lastSeq").asLong()).isEqualTo(2_345);
      sizes.add(page.path("events").size());
      if (page.path("events").isEmpty()) {
        break;
      }
      page.path("events").forEach(event -> seqs.add(event.path("seq").asLong()));
      after = seqs.getLast();
    }

    assertThat(sizes).containsExactly(1_000, 1_000, 345, 0);
    assertThat(seqs).isEqualTo(LongStream.rangeClosed(1, 2_345).boxed().toList());
  }

  @Test
  void each_event_is_a_whole_envelope() {
    StreamName stream = freshStream();
    daemon
        .daemon()
        .events()
        .append(stream, new EventData.OutputChunk("a \"quoted\"\nline\n"))
        .join();

    JsonNode event = page(stream.value(), "").path("events").get(0);

    assertThat(event.path("v").asInt()).isEqualTo(1);
    assertThat(event.path("stream").asText()).isEqualTo(stream.value());
    assertThat(event.path("seq").asLong()).isEqualTo(1);
    assertThat(event.path("type").asText()).isEqualTo("task.output");
    assertThat(event.path("ts").asText())
        .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}Z");
    assertThat(event.path("data").path("text").asText()).isEqualTo("a \"quoted\"\nline\n");
  }

  @Test
  void without_a_limit_a_page_holds_1000_events() {
    StreamName stream = freshStream();
    append(stream, 1_001);

    JsonNode page = page(stream.value(), "");

    assertThat(page.path("events").size()).isEqualTo(EventRoutes.DEFAULT_LIMIT);
    assertThat(page.path("events").get(0).path("seq").asLong()).isEqualTo(1);
  }

  @Test
  void a_limit_above_10000_is_capped_at_10000() {
    StreamName stream = freshStream();
    append(stream, 10_050);

    JsonNode page = page(stream.value(), "&limit=50000");

    assertThat(page.path("events").size()).isEqualTo(EventRoutes.MAX_LIMIT);
    assertThat(page.path("lastSeq").asLong()).isEqualTo(10_050);
  }

  @Test
  void a_small_limit_is_honoured() {
    StreamName stream = freshStream();
    append(stream, 10);

    JsonNode page = page(stream.value(), "&afterSeq=3&limit=2");

    assertThat(page.path("events").findValuesAsText("seq")).containsExactly("4", "5");
  }

  @Test
  void a_stream_without_events_has_last_seq_0_and_no_events() {
    JsonNode page = page(freshStream().value(), "");

    assertThat(page.path("lastSeq").asLong()).isZero();
    assertThat(page.path("events").isArray()).isTrue();
    assertThat(page.path("events")).isEmpty();
  }

  @Test
  void an_after_seq_beyond_the_end_gives_no_events() {
    StreamName stream = freshStream();
    append(stream, 3);

    JsonNode page = page(stream.value(), "&afterSeq=99");

    assertThat(page.path("events")).isEmpty();
    assertThat(page.path("lastSeq").asLong()).isEqualTo(3);
  }

  @ParameterizedTest
  @ValueSource(strings = {"-1", "abc", "1.5", "99999999999999999999"})
  void a_bad_after_seq_is_400(String afterSeq) {
    HttpResponse<String> response = get("/api/events?stream=system&afterSeq=" + afterSeq);

    assertError(response, 400, "BAD_REQUEST");
  }

  @ParameterizedTest
  @ValueSource(strings = {"-1", "0", "abc", "2.5"})
  void a_bad_limit_is_400(String limit) {
    HttpResponse<String> response = get("/api/events?stream=system&limit=" + limit);

    assertError(response, 400, "BAD_REQUEST");
  }

  @ParameterizedTest
  @ValueSource(strings = {"nope", "task/0", "task/x", "tasks/1", "session/", "system/1"})
  void an_unknown_stream_is_400_unknown_stream(String stream) {
    HttpResponse<String> response = get("/api/events?stream=" + stream);

    assertError(response, 400, "UNKNOWN_STREAM");
  }

  @Test
  void a_missing_stream_is_400() {
    assertError(get("/api/events"), 400, "BAD_REQUEST");
    assertError(get("/api/events?stream="), 400, "BAD_REQUEST");
    assertError(get("/api/events?afterSeq=0"), 400, "BAD_REQUEST");
  }

  @Test
  void an_encoded_stream_name_works() {
    StreamName stream = freshStream();
    append(stream, 1);

    JsonNode page = page(stream.value().replace("/", "%2F"), "");

    assertThat(page.path("stream").asText()).isEqualTo(stream.value());
    assertThat(page.path("events").size()).isEqualTo(1);
  }

  @Test
  void polling_needs_the_token() {
    HttpResponse<String> response = daemon.send(daemon.request("/api/events?stream=system").GET());

    assertError(response, 401, "UNAUTHORIZED");
  }

  // --- fixtures

  private static HttpResponse<String> get(String path) {
    return daemon.get(path);
  }

  private static JsonNode page(String stream, String query) {
    HttpResponse<String> response = get("/api/events?stream=" + stream + query);
    assertThat(response.statusCode()).as("GET %s: %s", stream, response.body()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
    return WsClient.parse(response.body());
  }

  private static StreamName freshStream() {
    return StreamName.task(TASK_IDS.incrementAndGet());
  }

  private static void append(StreamName stream, int count) {
    List<CompletableFuture<StoredEvent>> appended = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      appended.add(
          daemon.daemon().events().append(stream, new EventData.DaemonStopping("event " + i)));
    }
    CompletableFuture.allOf(appended.toArray(CompletableFuture[]::new)).join();
  }
}
