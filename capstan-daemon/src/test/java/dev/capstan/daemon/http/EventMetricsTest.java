package dev.capstan.daemon.http;

import static dev.capstan.daemon.ErrorShape.assertError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.capstan.daemon.RunningDaemon;
import dev.capstan.event.EventData;
import dev.capstan.event.StoredEvent;
import dev.capstan.event.StreamName;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The event log's metrics on {@code /metrics}. */
class EventMetricsTest {
  private static final Duration PATIENCE = Duration.ofSeconds(20);

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
  void metrics_need_the_token() {
    HttpResponse<String> none = daemon.send(daemon.request("/metrics").GET());
    HttpResponse<String> wrong =
        daemon.send(daemon.request("/metrics").header("Authorization", "Bearer nope").GET());

    assertError(none, 401, "UNAUTHORIZED");
    assertError(wrong, 401, "UNAUTHORIZED");
  }

  @Test
  void every_documented_event_metric_is_exposed() {
    String scrape = daemon.get("/metrics").body();

    for (String name :
        List.of(
            "capstan_events_written_total",
            "capstan_events_failed_total",
            "capstan_event_batch_size_count",
            "capstan_event_commit_seconds_count",
            "capstan_event_subscribers",
            "capstan_ws_connections",
            "capstan_sse_clients",
            "capstan_event_overflows_total",
            "capstan_event_queue_depth")) {
      assertThat(Scrape.find(scrape, name)).as(name).isPresent();
    }
  }

  @Test
  void events_written_grows_with_every_committed_event() {
    double before = Scrape.value(daemon, "capstan_events_written_total");

    List<CompletableFuture<StoredEvent>> appended = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      appended.add(
          daemon.daemon().events().append(StreamName.task(77), new EventData.OutputChunk("x\n")));
    }
    CompletableFuture.allOf(appended.toArray(CompletableFuture[]::new)).join();

    assertThat(Scrape.value(daemon, "capstan_events_written_total"))
        .isGreaterThanOrEqualTo(before + 25);
    assertThat(Scrape.value(daemon, "capstan_events_failed_total")).isZero();
  }

  @Test
  void opening_subscriptions_raises_the_gauges() {
    double subscribers = Scrape.value(daemon, "capstan_event_subscribers");
    double sockets = Scrape.value(daemon, "capstan_ws_connections");
    double sseClients = Scrape.value(daemon, "capstan_sse_clients");

    try (WsClient client = EventSocketTest.connect(daemon);
        SseClient sse = openSystemStream()) {
      subscribe(client, "task/81");
      subscribe(client, "task/82");
      assertThat(sse.nextEvent()).isPresent();

      awaitMetric("capstan_event_subscribers", subscribers + 3);
      awaitMetric("capstan_ws_connections", sockets + 1);
      awaitMetric("capstan_sse_clients", sseClients + 1);
    }
  }

  @Test
  void unsubscribing_and_disconnecting_lowers_the_gauges_again() {
    double subscribers = Scrape.value(daemon, "capstan_event_subscribers");
    double sockets = Scrape.value(daemon, "capstan_ws_connections");
    double sseClients = Scrape.value(daemon, "capstan_sse_clients");
    WsClient client = EventSocketTest.connect(daemon);
    subscribe(client, "task/83");
    subscribe(client, "task/84");
    SseClient sse = openSystemStream();
    assertThat(sse.nextEvent()).isPresent();
    awaitMetric("capstan_event_subscribers", subscribers + 3);

    client.send("{\"type\":\"unsubscribe\",\"id\":\"u\",\"stream\":\"task/83\"}");
    assertThat(client.reply("u").path("type").asText()).isEqualTo("ack");
    awaitMetric("capstan_event_subscribers", subscribers + 2);
    client.close();
    awaitMetric("capstan_event_subscribers", subscribers + 1);
    awaitMetric("capstan_ws_connections", sockets);
    sse.close();
    // why: the daemon notices a vanished SSE client when a write to it fails; the first write
    // after the client left usually still succeeds, the second one does not.
    for (int poke = 0; poke < 3; poke++) {
      daemon
          .daemon()
          .events()
          .append(StreamName.SYSTEM, new EventData.DaemonStopping("poke"))
          .join();
    }

    awaitMetric("capstan_event_subscribers", subscribers);
    awaitMetric("capstan_sse_clients", sseClients);
  }

  private static void subscribe(WsClient client, String stream) {
    client.subscribe(stream, stream, 0);
    assertThat(client.reply(stream).path("type").asText()).isEqualTo("ack");
  }

  private static SseClient openSystemStream() {
    return SseClient.open(
        daemon.url() + "/api/events/stream?stream=system",
        Map.of("Accept", "text/event-stream", "Authorization", "Bearer " + daemon.token().value()),
        false);
  }

  private static void awaitMetric(String name, double expected) {
    await(name + " == " + expected)
        .atMost(PATIENCE)
        .until(() -> Scrape.value(daemon, name) == expected);
  }
}
