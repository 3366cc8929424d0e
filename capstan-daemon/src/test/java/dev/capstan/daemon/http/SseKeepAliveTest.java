package dev.capstan.daemon.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.capstan.auth.AuthToken;
import dev.capstan.auth.TokenFile;
import dev.capstan.config.CapstanSettings;
import dev.capstan.daemon.metrics.DaemonMetrics;
import dev.capstan.event.EventData;
import dev.capstan.event.EventLog;
import dev.capstan.event.EventLogSettings;
import dev.capstan.event.InProcessEventBus;
import dev.capstan.event.StreamName;
import dev.capstan.store.jdbc.Database;
import dev.capstan.store.jdbc.JdbcEventStore;
import dev.capstan.time.MutableClock;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keep-alive comments on SSE streams. The daemon sends them every 15 seconds; this test builds the
 * HTTP surface itself and runs the keep-alive duty directly, so it needs no waiting.
 */
class SseKeepAliveTest {
  @TempDir Path dir;

  private Database database;
  private EventLog events;
  private Thread writer;
  private HttpApi.Server server;
  private AuthToken token;
  private String url;

  @BeforeEach
  void start_server() throws IOException {
    MutableClock clock = MutableClock.create();
    database = Database.sqlite(dir.resolve("capstan.db"));
    events =
        new EventLog(
            new JdbcEventStore(database),
            new InProcessEventBus(),
            new DaemonMetrics(),
            clock,
            EventLogSettings.DEFAULTS,
            Thread.ofVirtual().factory());
    writer = Thread.ofPlatform().start(events.writeLoop());
    TokenFile tokenFile = new TokenFile(dir.resolve("auth.json"), new SecureRandom());
    token = tokenFile.readOrCreate(clock.instant());
    ServerSocketChannel channel = ServerSocketChannel.open();
    channel.bind(new InetSocketAddress("127.0.0.1", 0));
    url = "http://127.0.0.1:" + ((InetSocketAddress) channel.getLocalAddress()).getPort();
    UnusedSessions.Parts parts = UnusedSessions.on(database, events, clock);
    server =
        HttpApi.create(
            new CapstanSettings.HttpSettings(1 << 20),
            channel,
            Duration.ofSeconds(2),
            new HttpApi.Deps(
                new BearerAuth(token, tokenFile, clock),
                () -> {
                  throw new IllegalStateException("no identity in this test");
                },
                reason -> {},
                events,
                new DaemonMetrics(),
                clock,
                java.util.Optional.empty(),
                () -> {
                  throw new IllegalStateException("no LLM in this test");
                },
                java.util.List::of,
                parts.sessions(),
                parts.approvals()));
    server.app().start();
  }

  @AfterEach
  void stop_server() throws InterruptedException {
    server.closeStreams().run();
    server.app().stop();
    events.shutdown();
    writer.join(Duration.ofSeconds(10));
    database.close();
  }

  @Test
  void the_keep_alive_duty_sends_a_comment_to_every_open_stream() {
    events.append(StreamName.SYSTEM, new EventData.DaemonStopping("one event")).join();
    try (SseClient first = open();
        SseClient second = open()) {
      assertThat(first.nextEvent()).isPresent();
      assertThat(second.nextEvent()).isPresent();

      server.sseKeepAlive().run();

      SseClient.Message comment = first.next().orElseThrow();
      assertThat(comment.comment()).isTrue();
      assertThat(comment.data()).isEqualTo("keep-alive");
      assertThat(second.next().orElseThrow().data()).isEqualTo("keep-alive");
    }
  }

  @Test
  void a_stream_whose_client_went_away_does_not_stop_keep_alive_for_the_others() {
    events.append(StreamName.SYSTEM, new EventData.DaemonStopping("one event")).join();
    SseClient gone = open();
    assertThat(gone.nextEvent()).isPresent();
    gone.close();
    try (SseClient open = open()) {
      assertThat(open.nextEvent()).isPresent();

      server.sseKeepAlive().run();
      server.sseKeepAlive().run();

      assertThat(open.next().orElseThrow().data()).isEqualTo("keep-alive");
      assertThat(open.next().orElseThrow().data()).isEqualTo("keep-alive");
    }
  }

  private SseClient open() {
    return SseClient.open(
        url + "/api/events/stream?stream=system",
        Map.of("Accept", "text/event-stream", "Authorization", "Bearer " + token.value()),
        false);
  }
}
