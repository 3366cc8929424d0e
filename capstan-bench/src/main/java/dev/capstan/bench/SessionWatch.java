package dev.capstan.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.capstan.json.Json;
import dev.capstan.time.Stopwatch;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A WebSocket client of the daemon following session streams, as a chat window does: it notes, on
 * the bench's monotonic clock, when each turn started, when its first {@code turn.delta} arrived
 * and how it ended. A turn's entries are keyed by turn id, so an event that arrives before the
 * submit's answer is not lost.
 *
 * <p>Thread-safe: the socket's callbacks come one at a time; readers go through concurrent maps.
 */
final class SessionWatch implements WebSocket.Listener, AutoCloseable {
  /**
   * Where the daemon of a home listens and its token.
   *
   * @param home the Capstan home
   * @param url the daemon's base URL
   * @param token its bearer token
   */
  record Endpoint(Path home, String url, String token) {
    static Endpoint of(Path home) throws IOException {
      String url =
          Json.mapper().readTree(home.resolve("daemon.json").toFile()).path("url").asText();
      String token =
          Json.mapper().readTree(home.resolve("auth.json").toFile()).path("token").asText();
      return new Endpoint(home, url, token);
    }

    /**
     * Opens a WebSocket to the daemon's {@code /api/ws} with {@code http}, for {@code listener}.
     */
    WebSocket openSocket(HttpClient http, WebSocket.Listener listener) throws Exception {
      return http.newWebSocketBuilder()
          .header("Authorization", "Bearer " + token)
          .buildAsync(URI.create(url.replaceFirst("^http", "ws") + "/api/ws"), listener)
          .get(10, TimeUnit.SECONDS);
    }
  }

  /**
   * What the subscriber saw of one turn, in nanoseconds on the bench clock.
   *
   * @param sentAt when the client sent the submit (set by {@link #since})
   * @param startedAt when {@code turn.started} arrived
   * @param firstDeltaAt when the first {@code turn.delta} arrived, -1 if none
   * @param endedAt when {@code turn.completed} or {@code turn.error} arrived
   * @param error the error code, empty when the turn completed
   */
  record Seen(long sentAt, long startedAt, long firstDeltaAt, long endedAt, String error) {
    boolean completed() {
      return error.isEmpty() && firstDeltaAt >= 0;
    }

    Seen since(long sent) {
      return new Seen(sent, startedAt, firstDeltaAt, endedAt, error);
    }

    /** From the submit to the first delta at the subscriber. */
    double ttftMillis() {
      return (firstDeltaAt - sentAt) / 1e6;
    }

    /** From {@code turn.started} to the first delta, both at the subscriber. */
    double startToFirstDeltaMillis() {
      return (firstDeltaAt - startedAt) / 1e6;
    }
  }

  private final Endpoint endpoint;
  private final Stopwatch clock;
  private final HttpClient http;
  private final Map<String, Long> started = new ConcurrentHashMap<>();
  private final Map<String, Long> firstDelta = new ConcurrentHashMap<>();
  private final Map<String, CompletableFuture<Seen>> ended = new ConcurrentHashMap<>();
  private final Map<String, CompletableFuture<Void>> acks = new ConcurrentHashMap<>();
  private final AtomicInteger frameIds = new AtomicInteger();
  private final StringBuilder partial = new StringBuilder();
  private WebSocket socket;

  private SessionWatch(Endpoint endpoint, Stopwatch clock) {
    this.endpoint = endpoint;
    this.clock = clock;
    this.http = HttpClient.newHttpClient();
  }

  /** Opens a WebSocket to the daemon. */
  static SessionWatch connect(Endpoint endpoint, Stopwatch clock) throws Exception {
    SessionWatch watch = new SessionWatch(endpoint, clock);
    watch.socket = endpoint.openSocket(watch.http, watch);
    return watch;
  }

  Endpoint endpoint() {
    return endpoint;
  }

  /** Subscribes to {@code session/<id>} from its start and waits for the ack. */
  void subscribe(String sessionId) throws Exception {
    String id = "s" + frameIds.incrementAndGet();
    CompletableFuture<Void> ack = acks.computeIfAbsent(id, key -> new CompletableFuture<>());
    socket
        .sendText(
            "{\"type\":\"subscribe\",\"id\":\""
                + id
                + "\",\"stream\":\"session/"
                + sessionId
                + "\",\"afterSeq\":0}",
            true)
        .get(10, TimeUnit.SECONDS);
    ack.get(10, TimeUnit.SECONDS);
  }

  /** Completes when the turn has ended. */
  CompletableFuture<Seen> ended(String turnId) {
    return ended.computeIfAbsent(turnId, key -> new CompletableFuture<>());
  }

  @Override
  public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
    partial.append(data);
    if (last) {
      long now = clock.elapsed().toNanos();
      String frame = partial.toString();
      partial.setLength(0);
      try {
        onFrame(Json.mapper().readTree(frame), now);
      } catch (IOException e) {
        throw new IllegalStateException("the daemon sent a frame that is not JSON: " + frame, e);
      }
    }
    webSocket.request(1);
    return null;
  }

  private void onFrame(JsonNode frame, long now) {
    switch (frame.path("type").asText()) {
      case "ack" ->
          acks.computeIfAbsent(frame.path("id").asText(), key -> new CompletableFuture<>())
              .complete(null);
      case "event" -> {
        JsonNode event = frame.path("event");
        String turnId = event.path("data").path("turnId").asText("");
        switch (event.path("type").asText()) {
          case "turn.started" -> started.putIfAbsent(turnId, now);
          case "turn.delta" -> firstDelta.putIfAbsent(turnId, now);
          case "turn.completed" -> end(turnId, now, "");
          case "turn.error" -> end(turnId, now, event.path("data").path("code").asText("?"));
          default -> {
            // tool and permission events do not matter here
          }
        }
      }
      default -> {
        // errors and overflows would show up as turns that never end
      }
    }
  }

  private void end(String turnId, long now, String error) {
    ended(turnId)
        .complete(
            new Seen(
                -1,
                started.getOrDefault(turnId, -1L),
                firstDelta.getOrDefault(turnId, -1L),
                now,
                error));
  }

  @Override
  public void close() {
    if (socket != null) {
      socket.abort();
    }
    http.close();
  }
}
