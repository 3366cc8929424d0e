package dev.capstan.daemon.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.capstan.daemon.RunningDaemon;
import dev.capstan.event.EventData;
import dev.capstan.event.EventLog;
import dev.capstan.event.StreamName;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client that loses its connection several times in the middle of a fast output stream and
 * resumes after the last seq it saw (WebSocket: {@code afterSeq}; SSE: {@code Last-Event-ID}) ends
 * up with exactly the text that was produced and stored: no gap, no duplicate.
 */
class EventResumeTest {
  private static final String THE_END = "the end\n";
  private static final int PIECES = 20_000;
  private static final AtomicLong TASK_IDS = new AtomicLong(11_000);

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
  void a_websocket_client_that_reconnects_mid_stream_sees_every_chunk_once() {
    StreamName stream = freshStream();
    Random random = new Random(42);
    CompletableFuture<String> produced = CompletableFuture.supplyAsync(() -> produce(stream, 4242));

    List<JsonNode> seen = new ArrayList<>();
    int connections = 0;
    while (seen.isEmpty() || !textOf(seen.getLast()).equals(THE_END)) {
      connections++;
      try (WsClient client = EventSocketTest.connect(daemon)) {
        long after = seen.isEmpty() ? 0 : seen.getLast().path("seq").asLong();
        client.subscribe("resume", stream.value(), after);
        assertThat(client.reply("resume").path("type").asText()).isEqualTo("ack");
        int budget = random.nextInt(20, 120);
        while (budget-- > 0 && (seen.isEmpty() || !textOf(seen.getLast()).equals(THE_END))) {
          JsonNode frame = client.next();
          assertThat(frame.path("type").asText()).as("frame %s", frame).isEqualTo("event");
          seen.add(frame.path("event"));
        }
        client.abort();
      }
    }

    assertResumedExactly(stream, seen, produced.join(), connections);
  }

  @Test
  void an_sse_client_that_reconnects_with_last_event_id_sees_every_chunk_once() {
    StreamName stream = freshStream();
    Random random = new Random(43);
    CompletableFuture<String> produced = CompletableFuture.supplyAsync(() -> produce(stream, 4343));

    List<JsonNode> seen = new ArrayList<>();
    int connections = 0;
    while (seen.isEmpty() || !textOf(seen.getLast()).equals(THE_END)) {
      connections++;
      Map<String, String> headers =
          Map.of(
              "Accept",
              "text/event-stream",
              "Authorization",
              "Bearer " + daemon.token().value(),
              "Last-Event-ID",
              seen.isEmpty() ? "0" : seen.getLast().path("seq").asText());
      try (SseClient sse =
          SseClient.open(
              daemon.url() + "/api/events/stream?stream=" + stream.value(), headers, false)) {
        int budget = random.nextInt(20, 120);
        while (budget-- > 0 && (seen.isEmpty() || !textOf(seen.getLast()).equals(THE_END))) {
          SseClient.Message message =
              sse.nextEvent().orElseThrow(() -> new AssertionError("the stream ended"));
          assertThat(message.id()).contains(message.json().path("seq").asText());
          seen.add(message.json());
        }
      }
    }

    assertResumedExactly(stream, seen, produced.join(), connections);
  }

  // --- fixtures

  /**
   * Writes output fast: whole lines, partial lines and bursts, cut into chunks at random points (a
   * flush, then a commit the producer waits for, which also paces it). Ends with {@link #THE_END}.
   * Returns everything it wrote.
   */
  private static String produce(StreamName stream, long seed) {
    EventLog events = daemon.daemon().events();
    Random random = new Random(seed);
    StringBuilder text = new StringBuilder();
    for (int piece = 0; piece < PIECES; piece++) {
      String next =
          switch (random.nextInt(4)) {
            case 0 -> "partial " + piece + " ";
            case 1 ->
                "line " + piece + " \u00e9\u00e8 \"quoted\" \\ " + "z".repeat(piece % 40) + "\n";
            case 2 -> "\n";
            default -> "line " + piece + "\n";
          };
      text.append(next);
      events.appendOutput(stream, next);
      if (random.nextInt(100) == 0) {
        events.flushOutput();
        String direct = "cut " + piece + "\n";
        text.append(direct);
        events.append(stream, new EventData.OutputChunk(direct)).join();
      }
    }
    events.flushOutput();
    text.append(THE_END);
    events.append(stream, new EventData.OutputChunk(THE_END)).join();
    return text.toString();
  }

  private static void assertResumedExactly(
      StreamName stream, List<JsonNode> seen, String produced, int connections) {
    List<JsonNode> stored = storedEvents(stream);
    assertThat(connections).as("connections used").isGreaterThan(3);
    assertThat(EventSocketTest.seqs(seen))
        .as("seqs seen over %d connections", connections)
        .isEqualTo(LongStream.rangeClosed(1, stored.size()).boxed().toList());
    assertThat(text(seen)).isEqualTo(text(stored));
    assertThat(text(seen)).isEqualTo(produced);
  }

  private static List<JsonNode> storedEvents(StreamName stream) {
    List<JsonNode> events = new ArrayList<>();
    long after = 0;
    while (true) {
      JsonNode page =
          WsClient.parse(
              daemon
                  .get("/api/events?stream=" + stream.value() + "&afterSeq=" + after + "&limit=500")
                  .body());
      if (page.path("events").isEmpty()) {
        return events;
      }
      page.path("events").forEach(events::add);
      after = events.getLast().path("seq").asLong();
    }
  }

  private static String textOf(JsonNode event) {
    return event.path("data").path("text").asText();
  }

  private static String text(List<JsonNode> events) {
    StringBuilder text = new StringBuilder();
    events.forEach(event -> text.append(textOf(event)));
    return text.toString();
  }

  private static StreamName freshStream() {
    return StreamName.task(TASK_IDS.incrementAndGet());
  }
}
