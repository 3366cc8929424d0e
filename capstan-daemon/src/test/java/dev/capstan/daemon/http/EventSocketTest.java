package dev.capstan.daemon.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.capstan.daemon.RunningDaemon;
import dev.capstan.event.EventData;
import dev.capstan.event.EventLog;
import dev.capstan.event.StoredEvent;
import dev.capstan.event.StreamName;
import dev.capstan.time.Stopwatch;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The WebSocket protocol of {@code /api/ws} over real sockets: subscribe, replay then live,
 * unsubscribe, ping, every error frame, the close codes for abuse, and authentication of the
 * upgrade. Abuse of one connection never disturbs another ({@link #bystander}).
 */
class EventSocketTest {
  private static final AtomicLong TASK_IDS = new AtomicLong(1_000);

  @TempDir static Path home;

  private static RunningDaemon daemon;

  private WsClient client;
  private WsClient bystander;
  private StreamName bystanderStream;

  @BeforeAll
  static void start_daemon() {
    daemon = RunningDaemon.start(home);
  }

  @AfterAll
  static void stop_daemon() {
    daemon.close();
  }

  @BeforeEach
  void connect() {
    client = connect(daemon);
    bystander = connect(daemon);
    bystanderStream = freshStream();
    bystander.subscribe("b", bystanderStream.value(), 0);
    assertThat(bystander.reply("b").path("type").asText()).isEqualTo("ack");
  }

  @AfterEach
  void disconnect() {
    client.close();
    bystander.close();
  }

  @Test
  void subscribe_is_acknowledged_then_replays_and_follows_live_without_gap_or_duplicate() {
    StreamName stream = freshStream();
    append(stream, 1_500);

    client.subscribe("s1", stream.value(), 0);
    CompletableFuture<Void> producer = CompletableFuture.runAsync(() -> append(stream, 1_500));

    JsonNode ack = client.next();
    assertThat(ack.path("type").asText()).isEqualTo("ack");
    assertThat(ack.path("id").asText()).isEqualTo("s1");
    List<JsonNode> events = client.eventsUntil(stream.value(), 3_000);
    producer.join();
    assertThat(seqs(events)).isEqualTo(LongStream.rangeClosed(1, 3_000).boxed().toList());
    assertThat(events.getFirst().path("v").asInt()).isEqualTo(1);
    assertThat(events.getFirst().path("type").asText()).isEqualTo("daemon.stopping");
    assertThat(events.getFirst().path("data").path("reason").asText()).isEqualTo("event 0");
    assertThat(events.getFirst().path("ts").asText()).isNotBlank();
  }

  @Test
  void subscribe_after_a_seq_starts_right_after_it() {
    StreamName stream = freshStream();
    append(stream, 10);

    client.subscribe("s", stream.value(), 7);

    assertThat(client.reply("s").path("type").asText()).isEqualTo("ack");
    assertThat(seqs(client.eventsUntil(stream.value(), 10))).containsExactly(8L, 9L, 10L);
  }

  @Test
  void ping_is_answered_with_pong_and_its_id() {
    client.send("{\"type\":\"ping\",\"id\":\"p-7\"}");

    JsonNode pong = client.next();

    assertThat(pong.path("type").asText()).isEqualTo("pong");
    assertThat(pong.path("id").asText()).isEqualTo("p-7");
  }

  @Test
  void a_ping_without_id_gets_a_pong_without_id() {
    client.send("{\"type\":\"ping\"}");

    JsonNode pong = client.next();

    assertThat(pong.path("type").asText()).isEqualTo("pong");
    assertThat(pong.has("id")).isFalse();
  }

  @Test
  void unsubscribe_is_acknowledged_and_stops_the_events() {
    StreamName stream = freshStream();
    client.subscribe("s", stream.value(), 0);
    assertThat(client.reply("s").path("type").asText()).isEqualTo("ack");
    append(stream, 3);
    client.eventsUntil(stream.value(), 3);

    client.send("{\"type\":\"unsubscribe\",\"id\":\"u\",\"stream\":\"" + stream + "\"}");

    assertThat(client.reply("u").path("type").asText()).isEqualTo("ack");
    append(stream, 2);
    client.assertAnswersPing("after-unsubscribe");
    assertThat(client.queued()).isZero();
  }

  @Test
  void no_event_of_a_subscription_follows_the_ack_of_its_unsubscribe() {
    StreamName stream = freshStream();
    append(stream, 200);
    for (int round = 0; round < 20; round++) {
      client.subscribe("s" + round, stream.value(), 0);
      assertThat(client.reply("s" + round).path("type").asText()).isEqualTo("ack");

      client.send(
          "{\"type\":\"unsubscribe\",\"id\":\"u" + round + "\",\"stream\":\"" + stream + "\"}");

      assertThat(client.reply("u" + round).path("type").asText()).isEqualTo("ack");
      client.send("{\"type\":\"ping\",\"id\":\"p" + round + "\"}");
      assertThat(client.next().path("type").asText())
          .as("the first frame after the unsubscribe ack of round %d", round)
          .isEqualTo("pong");
    }
  }

  @Test
  void a_stream_can_be_subscribed_again_after_unsubscribe() {
    StreamName stream = freshStream();
    append(stream, 5);
    for (int round = 0; round < 20; round++) {
      client.subscribe("s" + round, stream.value(), 0);
      assertThat(client.reply("s" + round).path("type").asText()).isEqualTo("ack");
      client.send(
          "{\"type\":\"unsubscribe\",\"id\":\"u" + round + "\",\"stream\":\"" + stream + "\"}");
      assertThat(client.reply("u" + round).path("type").asText())
          .as("unsubscribe of round %d", round)
          .isEqualTo("ack");
    }

    client.subscribe("last", stream.value(), 4);

    assertThat(client.reply("last").path("type").asText()).isEqualTo("ack");
    assertThat(seqs(client.eventsUntil(stream.value(), 5))).containsExactly(5L);
  }

  @Test
  void a_frame_that_is_not_json_gets_invalid_json() {
    client.send("{not json");

    JsonNode error = client.next();

    assertThat(error.path("type").asText()).isEqualTo("error");
    assertThat(error.path("code").asText()).isEqualTo("INVALID_JSON");
    assertThat(error.has("id")).isFalse();
    assertStillWorks();
  }

  @Test
  void frames_without_a_textual_type_get_bad_request() {
    for (String frame : List.of("{\"id\":\"1\"}", "[1,2]", "42", "{\"type\":7}", "null")) {
      client.send(frame);

      JsonNode error = client.next();

      assertThat(error.path("type").asText()).as("answer to %s", frame).isEqualTo("error");
      assertThat(error.path("code").asText()).as("answer to %s", frame).isEqualTo("BAD_REQUEST");
    }
    assertStillWorks();
  }

  @Test
  void an_unknown_frame_type_gets_unknown_frame() {
    client.send("{\"type\":\"publish\",\"id\":\"x\"}");

    client.assertError("x", "UNKNOWN_FRAME");
    assertStillWorks();
  }

  @Test
  void an_unknown_stream_gets_unknown_stream() {
    for (String stream : List.of("tasks/1", "task/0", "task/abc", "", "session/", "../system")) {
      client.send("{\"type\":\"subscribe\",\"id\":\"u\",\"stream\":\"" + stream + "\"}");

      client.assertError("u", "UNKNOWN_STREAM");
    }
    client.send("{\"type\":\"subscribe\",\"id\":\"none\"}");
    client.assertError("none", "UNKNOWN_STREAM");
    assertStillWorks();
  }

  @Test
  void a_bad_after_seq_gets_bad_request() {
    StreamName stream = freshStream();
    for (String afterSeq : List.of("-1", "\"abc\"", "1.5", "{}", "true")) {
      client.send(
          "{\"type\":\"subscribe\",\"id\":\"a\",\"stream\":\""
              + stream
              + "\",\"afterSeq\":"
              + afterSeq
              + "}");

      client.assertError("a", "BAD_REQUEST");
    }
    client.subscribe("ok", stream.value(), 0);
    assertThat(client.reply("ok").path("type").asText())
        .as("none of the refused subscribes took effect")
        .isEqualTo("ack");
  }

  @Test
  void a_second_subscribe_to_the_same_stream_gets_conflict() {
    StreamName stream = freshStream();
    client.subscribe("first", stream.value(), 0);
    assertThat(client.reply("first").path("type").asText()).isEqualTo("ack");

    client.subscribe("second", stream.value(), 0);

    client.assertError("second", "CONFLICT");
    append(stream, 1);
    assertThat(seqs(client.eventsUntil(stream.value(), 1)))
        .as("one subscription")
        .containsExactly(1L);
    client.assertAnswersPing("no-duplicate");
    assertThat(client.queued()).isZero();
  }

  @Test
  void unsubscribe_without_a_subscription_gets_not_found() {
    client.send("{\"type\":\"unsubscribe\",\"id\":\"n\",\"stream\":\"" + freshStream() + "\"}");

    client.assertError("n", "NOT_FOUND");
    assertStillWorks();
  }

  @Test
  void more_than_256_subscriptions_get_too_many_subscriptions() {
    Pacer pacer = new Pacer();
    for (int i = 0; i < EventSocket.MAX_SUBSCRIPTIONS; i++) {
      pacer.beforeFrame();
      client.subscribe("s" + i, freshStream().value(), 0);
      assertThat(client.reply("s" + i).path("type").asText()).isEqualTo("ack");
    }

    pacer.beforeFrame();
    client.subscribe("one-more", freshStream().value(), 0);

    client.assertError("one-more", "TOO_MANY_SUBSCRIPTIONS");
    pacer.beforeFrame();
    client.assertAnswersPing("still-open");
    assertStillWorks();
  }

  @Test
  void a_frame_over_64_kib_closes_the_connection_with_1009() {
    String big = "{\"type\":\"ping\",\"id\":\"" + "x".repeat(64 * 1024) + "\"}";

    client.trySend(big);

    assertThat(client.awaitClose()).isEqualTo(1009);
    assertStillWorks();
  }

  @Test
  void a_frame_just_under_64_kib_is_accepted() {
    String id = "y".repeat(64 * 1024 - 40);
    String frame = "{\"type\":\"ping\",\"id\":\"" + id + "\"}";
    assertThat(frame.length()).isLessThan(64 * 1024);

    client.send(frame);

    assertThat(client.next().path("id").asText()).isEqualTo(id);
  }

  @Test
  void a_flood_of_frames_closes_the_connection_with_4008() {
    int sent = 0;
    while (sent < 2_000 && client.trySend("{\"type\":\"ping\",\"id\":\"f" + sent + "\"}")) {
      sent++;
    }

    assertThat(client.awaitClose()).isEqualTo(EventSocket.CLOSE_RATE_LIMITED);
    assertStillWorks();
  }

  @Test
  void an_upgrade_without_a_token_is_refused_with_401() {
    WsClient.Refused refused = WsClient.refused(wsUrl(daemon, ""), Map.of());

    assertThat(refused.status()).isEqualTo(401);
  }

  @Test
  void an_upgrade_with_a_wrong_token_is_refused_with_401() {
    String wrong = daemon.token().value().substring(1) + "x";

    WsClient.Refused refused =
        WsClient.refused(wsUrl(daemon, ""), Map.of("Authorization", "Bearer " + wrong));

    assertThat(refused.status()).isEqualTo(401);
  }

  @Test
  void a_ticket_opens_one_connection_only() {
    String ticket = issueTicket();

    try (WsClient ticketed = WsClient.connect(wsUrl(daemon, "?ticket=" + ticket), Map.of())) {
      ticketed.assertAnswersPing("ticketed");
    }

    WsClient.Refused again = WsClient.refused(wsUrl(daemon, "?ticket=" + ticket), Map.of());
    assertThat(again.status()).isEqualTo(401);
  }

  @Test
  void a_ticket_expires_after_30_seconds() {
    String fresh = issueTicket();
    String stale = issueTicket();

    daemon.clock().advance(Duration.ofSeconds(29));
    try (WsClient ticketed = WsClient.connect(wsUrl(daemon, "?ticket=" + fresh), Map.of())) {
      ticketed.assertAnswersPing("in-time");
    }
    daemon.clock().advance(Duration.ofSeconds(2));

    WsClient.Refused refused = WsClient.refused(wsUrl(daemon, "?ticket=" + stale), Map.of());
    assertThat(refused.status()).isEqualTo(401);
  }

  @Test
  void a_made_up_ticket_is_refused() {
    WsClient.Refused refused =
        WsClient.refused(wsUrl(daemon, "?ticket=not-a-ticket-the-daemon-issued"), Map.of());

    assertThat(refused.status()).isEqualTo(401);
  }

  @Test
  void a_ticket_answer_says_how_long_it_lasts() {
    JsonNode answer = WsClient.parse(daemon.post("/api/ws/ticket", Optional.empty()).body());

    assertThat(answer.path("ticket").asText()).hasSizeGreaterThanOrEqualTo(32);
    assertThat(answer.path("ticket").asText()).doesNotContain(daemon.token().value());
    assertThat(answer.path("expiresInSeconds").asInt()).isEqualTo(30);
  }

  @Test
  void a_stopping_daemon_closes_its_sockets_with_1001(@TempDir Path ownHome) {
    RunningDaemon stopping = RunningDaemon.start(ownHome);
    WsClient subscribed = connect(stopping);
    subscribed.subscribe("s", StreamName.SYSTEM.value(), 0);
    assertThat(subscribed.reply("s").path("type").asText()).isEqualTo("ack");
    WsClient idle = connect(stopping);

    stopping.close();

    assertThat(subscribed.awaitClose()).isEqualTo(1001);
    assertThat(idle.awaitClose()).isEqualTo(1001);
    subscribed.close();
    idle.close();
  }

  // --- fixtures

  /** The other connection still answers and still gets its stream's events. */
  private void assertStillWorks() {
    bystander.assertAnswersPing("bystander");
    long next = daemon.daemon().events().lastSeq(bystanderStream) + 1;
    append(bystanderStream, 1);
    assertThat(seqs(bystander.eventsUntil(bystanderStream.value(), next))).containsExactly(next);
  }

  private static StreamName freshStream() {
    return StreamName.task(TASK_IDS.incrementAndGet());
  }

  private static void append(StreamName stream, int count) {
    EventLog events = daemon.daemon().events();
    List<CompletableFuture<StoredEvent>> appended = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      appended.add(events.append(stream, new EventData.DaemonStopping("event " + i)));
    }
    CompletableFuture.allOf(appended.toArray(CompletableFuture[]::new)).join();
  }

  private static String issueTicket() {
    return WsClient.parse(daemon.post("/api/ws/ticket", Optional.empty()).body())
        .path("ticket")
        .asText();
  }

  static List<Long> seqs(List<JsonNode> events) {
    return events.stream().map(event -> event.path("seq").asLong()).toList();
  }

  static String wsUrl(RunningDaemon daemon, String query) {
    return daemon.url().replaceFirst("^http", "ws") + "/api/ws" + query;
  }

  static WsClient connect(RunningDaemon daemon) {
    return WsClient.connect(
        wsUrl(daemon, ""), Map.of("Authorization", "Bearer " + daemon.token().value()));
  }

  /**
   * Keeps a client under the limit of {@value EventSocket#MAX_FRAMES_PER_SECOND} frames per second:
   * after most of a second's allowance, it waits out the rest of that second.
   */
  private static final class Pacer {
    private Stopwatch window = Stopwatch.start();
    private int frames;

    void beforeFrame() {
      if (++frames < EventSocket.MAX_FRAMES_PER_SECOND / 2) {
        return;
      }
      // why: the limit is per second of wall time, so only time passing lets more frames in.
      Stopwatch current = window;
      await()
          .pollInterval(Duration.ofMillis(50))
          .atMost(Duration.ofSeconds(5))
          .until(() -> current.elapsed().compareTo(Duration.ofMillis(1_100)) > 0);
      window = Stopwatch.start();
      frames = 1;
    }
  }
}
