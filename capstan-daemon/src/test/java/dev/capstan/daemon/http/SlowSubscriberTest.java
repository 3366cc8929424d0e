package dev.capstan.daemon.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.capstan.daemon.RunningDaemon;
import dev.capstan.event.EventData;
import dev.capstan.event.EventLogSettings;
import dev.capstan.event.StoredEvent;
import dev.capstan.event.StreamName;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client that stops reading while the producer writes far more than a subscriber may buffer
 * ({@value #QUEUE} events): the daemon stops buffering for it, tells it {@code overflow} with the
 * last seq it got once it reads again, and the client resumes from there without losing anything.
 */
class SlowSubscriberTest {
  private static final int QUEUE = 8_192;
  private static final int BATCH = 500;
  private static final int MAX_EVENTS = 200_000;
  private static final String KILOBYTE = "0123456789abcdef".repeat(64) + "\n";
  private static final AtomicLong TASK_IDS = new AtomicLong(9_000);

  @TempDir static Path home;

  private static RunningDaemon daemon;

  @BeforeAll
  static void start_daemon() {
    assertThat(EventLogSettings.DEFAULTS.subscriberQueue()).isEqualTo(QUEUE);
    daemon = RunningDaemon.start(home);
  }

  @AfterAll
  static void stop_daemon() {
    daemon.close();
  }

  @Test
  void a_websocket_client_that_stops_reading_gets_overflow_and_resumes_without_loss() {
    StreamName stream = freshStream();
    double overflowsBefore = Scrape.value(daemon, "capstan_event_overflows_total");
    try (WsClient client = EventSocketTest.connect(daemon)) {
      client.subscribe("s", stream.value(), 0);
      assertThat(client.reply("s").path("type").asText()).isEqualTo("ack");
      client.pause();

      long atOverflow = appendUntilOverflow(stream, overflowsBefore);
      long total = atOverflow + append(stream, 2 * BATCH);
      client.resume();

      List<JsonNode> received = new ArrayList<>();
      JsonNode frame = client.next();
      while (frame.path("type").asText().equals("event")) {
        received.add(frame.path("event"));
        frame = client.next();
      }
      assertThat(frame.path("type").asText()).as("frame %s", frame).isEqualTo("overflow");
      assertThat(frame.path("stream").asText()).isEqualTo(stream.value());
      long lastSeq = frame.path("lastSeq").asLong();
      assertThat(EventSocketTest.seqs(received))
          .as("what the client got before the overflow")
          .isEqualTo(LongStream.rangeClosed(1, lastSeq).boxed().toList());
      assertThat(lastSeq)
          .as("nothing was buffered for the client after the overflow")
          .isLessThanOrEqualTo(atOverflow)
          .isLessThan(total);

      client.subscribe("again", stream.value(), lastSeq);

      assertThat(client.reply("again").path("type").asText()).isEqualTo("ack");
      assertThat(EventSocketTest.seqs(client.eventsUntil(stream.value(), total)))
          .isEqualTo(LongStream.rangeClosed(lastSeq + 1, total).boxed().toList());
    }
    assertThat(Scrape.value(daemon, "capstan_event_overflows_total"))
        .isGreaterThanOrEqualTo(overflowsBefore + 1);
  }

  @Test
  void an_sse_client_that_stops_reading_gets_an_overflow_event_and_the_stream_closes() {
    StreamName stream = freshStream();
    append(stream, 1);
    double overflowsBefore = Scrape.value(daemon, "capstan_event_overflows_total");
    long total;
    long atOverflow;
    List<JsonNode> received = new ArrayList<>();
    SseClient.Message overflow;
    try (SseClient sse = open(stream, 0, true)) {
      atOverflow = appendUntilOverflow(stream, overflowsBefore);
      total = atOverflow + append(stream, 2 * BATCH);
      sse.resume();

      SseClient.Message message = sse.nextEvent().orElseThrow();
      while (!message.event().equals("overflow")) {
        received.add(message.json());
        message = sse.nextEvent().orElseThrow();
      }
      overflow = message;
      assertThat(sse.nextEvent()).as("the stream closes after the overflow").isEmpty();
    }

    long lastSeq = overflow.json().path("lastSeq").asLong();
    assertThat(overflow.json().path("stream").asText()).isEqualTo(stream.value());
    assertThat(overflow.id()).contains(Long.toString(lastSeq));
    assertThat(EventSocketTest.seqs(received))
        .isEqualTo(LongStream.rangeClosed(1, lastSeq).boxed().toList());
    assertThat(lastSeq).isLessThanOrEqualTo(atOverflow).isLessThan(total);
    try (SseClient again = open(stream, lastSeq, false)) {
      assertThat(EventSocketTest.seqs(again.eventsUntil(total)))
          .isEqualTo(LongStream.rangeClosed(lastSeq + 1, total).boxed().toList());
    }
  }

  // --- fixtures

  /**
   * Appends kilobyte events in batches until the daemon counts an overflow; returns the stream's
   * last seq at that point. Fails if {@value #MAX_EVENTS} events cause none (the daemon would be
   * buffering without bound).
   */
  private static long appendUntilOverflow(StreamName stream, double overflowsBefore) {
    for (int appended = 0; appended < MAX_EVENTS; appended += BATCH) {
      append(stream, BATCH);
      if (Scrape.value(daemon, "capstan_event_overflows_total") > overflowsBefore) {
        return daemon.daemon().events().lastSeq(stream);
      }
    }
    throw new AssertionError(
        "no overflow after " + MAX_EVENTS + " events to a client that reads nothing");
  }

  /** Appends {@code count} kilobyte events and waits until they are committed. */
  private static long append(StreamName stream, int count) {
    List<CompletableFuture<StoredEvent>> appended = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      appended.add(daemon.daemon().events().append(stream, new EventData.OutputChunk(KILOBYTE)));
    }
    CompletableFuture.allOf(appended.toArray(CompletableFuture[]::new)).join();
    return count;
  }

  private static SseClient open(StreamName stream, long lastEventId, boolean paused) {
    return SseClient.open(
        daemon.url() + "/api/events/stream?stream=" + stream.value(),
        Map.of(
            "Accept",
            "text/event-stream",
            "Authorization",
            "Bearer " + daemon.token().value(),
            "Last-Event-ID",
            Long.toString(lastEventId)),
        paused);
  }

  private static StreamName freshStream() {
    return StreamName.task(TASK_IDS.incrementAndGet());
  }
}
