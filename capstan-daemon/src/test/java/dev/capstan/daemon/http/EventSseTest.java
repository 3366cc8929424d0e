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
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code GET /api/events/stream}: the event format, resuming, and the refusals. */
class EventSseTest {
  private static final AtomicLong TASK_IDS = new AtomicLong(7_000);
  private static final String EVENT_STREAM = "text/event-stream";

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
  void each_event_carries_its_seq_as_id_its_type_as_event_and_the_envelope_as_data() {
    StreamName stream = freshStream();
    daemon.daemon().events().append(stream, new EventData.OutputChunk("hello\n")).join();

    try (SseClient sse = open(stream, Map.of())) {
      SseClient.Message message = sse.nextEvent().orElseThrow();

      assertThat(sse.statusLine()).contains(" 200");
      assertThat(message.id()).contains("1");
      assertThat(message.event()).isEqualTo("task.output");
      JsonNode envelope = message.json();
      assertThat(envelope.path("v").asInt()).isEqualTo(1);
      assertThat(envelope.path("stream").asText()).isEqualTo(stream.value());
      assertThat(envelope.path("seq").asLong()).isEqualTo(1);
      assertThat(envelope.path("data").path("text").asText()).isEqualTo("hello\n");
    }
  }

  @Test
  void the_stream_replays_then_follows_live_without_gap_or_duplicate() {
    StreamName stream = freshStream();
    append(stream, 1_000);

    try (SseClient sse = open(stream, Map.of())) {
      CompletableFuture<Void> producer = CompletableFuture.runAsync(() -> append(stream, 1_000));
      List<JsonNode> events = sse.eventsUntil(2_000);
      producer.join();

      assertThat(EventSocketTest.seqs(events))
          .isEqualTo(LongStream.rangeClosed(1, 2_000).boxed().toList());
    }
  }

  @Test
  void after_seq_starts_after_it() {
    StreamName stream = freshStream();
    append(stream, 10);

    try (SseClient sse = open(stream, "&afterSeq=6", Map.of())) {
      assertThat(EventSocketTest.seqs(sse.eventsUntil(10))).containsExactly(7L, 8L, 9L, 10L);
    }
  }

  @Test
  void last_event_id_resumes_and_takes_precedence_over_after_seq() {
    StreamName stream = freshStream();
    append(stream, 10);

    try (SseClient sse = open(stream, "&afterSeq=2", Map.of("Last-Event-ID", "8"))) {
      assertThat(EventSocketTest.seqs(sse.eventsUntil(10))).containsExactly(9L, 10L);
    }
  }

  @Test
  void without_accept_event_stream_the_answer_is_406() {
    HttpResponse<String> none = daemon.send(daemon.authorized(path(freshStream())).GET());
    HttpResponse<String> json =
        daemon.send(
            daemon.authorized(path(freshStream())).header("Accept", "application/json").GET());

    assertError(none, 406, "NOT_ACCEPTABLE");
    assertError(json, 406, "NOT_ACCEPTABLE");
  }

  @ParameterizedTest
  @ValueSource(strings = {"abc", "-1", "1.5", "99999999999999999999"})
  void a_bad_last_event_id_is_400(String lastEventId) {
    HttpResponse<String> response =
        daemon.send(
            daemon
                .authorized(path(freshStream()))
                .header("Accept", EVENT_STREAM)
                .header("Last-Event-ID", lastEventId)
                .GET());

    assertError(response, 400, "BAD_REQUEST");
  }

  @ParameterizedTest
  @ValueSource(strings = {"-1", "abc"})
  void a_bad_after_seq_is_400(String afterSeq) {
    HttpResponse<String> response =
        daemon.send(
            daemon
                .authorized(path(freshStream()) + "&afterSeq=" + afterSeq)
                .header("Accept", EVENT_STREAM)
                .GET());

    assertError(response, 400, "BAD_REQUEST");
  }

  @Test
  void an_unknown_or_missing_stream_is_400() {
    HttpResponse<String> unknown =
        daemon.send(
            daemon
                .authorized("/api/events/stream?stream=nope")
                .header("Accept", EVENT_STREAM)
                .GET());
    HttpResponse<String> missing =
        daemon.send(daemon.authorized("/api/events/stream").header("Accept", EVENT_STREAM).GET());

    assertError(unknown, 400, "UNKNOWN_STREAM");
    assertError(missing, 400, "BAD_REQUEST");
  }

  @Test
  void the_stream_needs_the_token() {
    HttpResponse<String> response =
        daemon.send(daemon.request(path(freshStream())).header("Accept", EVENT_STREAM).GET());

    assertError(response, 401, "UNAUTHORIZED");
  }

  @Test
  void a_ticket_opens_the_stream_once() {
    StreamName stream = freshStream();
    append(stream, 1);
    String ticket =
        WsClient.parse(daemon.post("/api/ws/ticket", Optional.empty()).body())
            .path("ticket")
            .asText();
    String url = daemon.url() + path(stream) + "&ticket=" + ticket;

    try (SseClient first = SseClient.open(url, Map.of("Accept", EVENT_STREAM), false)) {
      assertThat(EventSocketTest.seqs(first.eventsUntil(1))).containsExactly(1L);
    }
    HttpResponse<String> again =
        daemon.send(
            daemon
                .request(path(stream) + "&ticket=" + ticket)
                .header("Accept", EVENT_STREAM)
                .GET());

    assertError(again, 401, "UNAUTHORIZED");
  }

  @Test
  void a_stopping_daemon_ends_the_stream(@TempDir Path ownHome) {
    RunningDaemon stopping = RunningDaemon.start(ownHome);
    try (SseClient sse =
        SseClient.open(
            stopping.url() + "/api/events/stream?stream=system",
            Map.of("Accept", EVENT_STREAM, "Authorization", "Bearer " + stopping.token().value()),
            false)) {
      assertThat(sse.nextEvent().orElseThrow().event()).isEqualTo("daemon.started");

      stopping.close();

      List<String> rest = new ArrayList<>();
      for (Optional<SseClient.Message> next = sse.nextEvent();
          next.isPresent();
          next = sse.nextEvent()) {
        rest.add(next.get().event());
      }
      assertThat(rest).as("events before the end").isSubsetOf("daemon.stopping");
      assertThat(sse.ended()).isTrue();
    }
  }

  // --- fixtures

  private static String path(StreamName stream) {
    return "/api/events/stream?stream=" + stream.value();
  }

  private static SseClient open(StreamName stream, Map<String, String> headers) {
    return open(stream, "", headers);
  }

  private static SseClient open(StreamName stream, String query, Map<String, String> headers) {
    Map<String, String> all = new java.util.HashMap<>(headers);
    all.put("Accept", EVENT_STREAM);
    all.put("Authorization", "Bearer " + daemon.token().value());
    return SseClient.open(daemon.url() + path(stream) + query, all, false);
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
