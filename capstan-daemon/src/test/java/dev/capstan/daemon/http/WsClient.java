package dev.capstan.daemon.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.capstan.json.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;

/**
 * A WebSocket client for tests, on {@code java.net.http}: frames it receives wait in a queue, the
 * close code is a future, and reading can be paused ({@link #pause}) so that the client stops
 * taking frames off the socket, as a stalled browser tab would.
 *
 * <p>Thread-safe: the listener runs on the client's threads, the test reads the queue.
 */
final class WsClient implements AutoCloseable {
  static final Duration PATIENCE = Duration.ofSeconds(30);

  private final HttpClient http;
  private final WebSocket socket;
  private final Listener listener;

  private WsClient(HttpClient http, WebSocket socket, Listener listener) {
    this.http = http;
    this.socket = socket;
    this.listener = listener;
  }

  /** What an upgrade that the server refused answered. */
  record Refused(int status) {}

  /** Connects to {@code url} (ws://...) with the given headers, or fails the test. */
  static WsClient connect(String url, Map<String, String> headers) {
    HttpClient http = HttpClient.newHttpClient();
    Listener listener = new Listener();
    WebSocket.Builder builder = http.newWebSocketBuilder().connectTimeout(PATIENCE);
    headers.forEach(builder::header);
    try {
      WebSocket socket = builder.buildAsync(URI.create(url), listener).join();
      return new WsClient(http, socket, listener);
    } catch (CompletionException e) {
      http.close();
      throw new AssertionError("WebSocket upgrade of " + url + " failed", e);
    }
  }

  /** Tries to connect and expects the server to refuse the upgrade; returns its status. */
  static Refused refused(String url, Map<String, String> headers) {
    HttpClient http = HttpClient.newHttpClient();
    WebSocket.Builder builder = http.newWebSocketBuilder().connectTimeout(PATIENCE);
    headers.forEach(builder::header);
    try {
      WebSocket socket = builder.buildAsync(URI.create(url), new Listener()).join();
      socket.abort();
      throw new AssertionError("the upgrade of " + url + " was accepted");
    } catch (CompletionException e) {
      if (e.getCause() instanceof WebSocketHandshakeException handshake) {
        return new Refused(handshake.getResponse().statusCode());
      }
      throw new AssertionError("the upgrade of " + url + " failed without an answer", e);
    } finally {
      http.close();
    }
  }

  /** Sends one text frame. */
  void send(String text) {
    socket.sendText(text, true).join();
  }

  /** Sends one text frame; false if the connection is already closed. */
  boolean trySend(String text) {
    try {
      socket.sendText(text, true).get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (Exception e) {
      return false;
    }
  }

  /** Sends {@code {"type":"subscribe",...}}. */
  void subscribe(String id, String stream, long afterSeq) {
    send(
        "{\"type\":\"subscribe\",\"id\":\""
            + id
            + "\",\"stream\":\""
            + stream
            + "\",\"afterSeq\":"
            + afterSeq
            + "}");
  }

  /** Sends a ping and waits for its pong, skipping other frames. */
  void assertAnswersPing(String id) {
    send("{\"type\":\"ping\",\"id\":\"" + id + "\"}");
    JsonNode pong = next(frame -> frame.path("id").asText().equals(id));
    assertThat(pong.path("type").asText()).isEqualTo("pong");
  }

  /** The next frame, or fails the test after {@link #PATIENCE}. */
  JsonNode next() {
    try {
      String text = listener.frames.poll(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
      if (text == null) {
        throw new AssertionError(
            "no frame within " + PATIENCE + "; closed: " + listener.closed.getNow(null));
      }
      return parse(text);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** The next frame that matches, dropping the frames before it. */
  JsonNode next(Predicate<JsonNode> wanted) {
    while (true) {
      JsonNode frame = next();
      if (wanted.test(frame)) {
        return frame;
      }
    }
  }

  /** The frame answering request {@code id}, dropping event frames before it. */
  JsonNode reply(String id) {
    JsonNode frame = next(candidate -> !candidate.path("type").asText().equals("event"));
    assertThat(frame.path("id").asText()).as("reply %s", frame).isEqualTo(id);
    return frame;
  }

  /** Expects an error frame for request {@code id} with {@code code}; returns it. */
  JsonNode assertError(String id, String code) {
    JsonNode frame = reply(id);
    assertThat(frame.path("type").asText()).as("frame %s", frame).isEqualTo("error");
    assertThat(frame.path("code").asText()).as("frame %s", frame).isEqualTo(code);
    assertThat(frame.path("message").asText()).isNotBlank();
    return frame;
  }

  /**
   * Reads event frames of {@code stream} until one has seq {@code lastSeq}; returns the envelopes.
   * Other frames fail the test.
   */
  List<JsonNode> eventsUntil(String stream, long lastSeq) {
    List<JsonNode> events = new ArrayList<>();
    while (events.isEmpty() || events.getLast().path("seq").asLong() < lastSeq) {
      JsonNode frame = next();
      assertThat(frame.path("type").asText()).as("frame %s", frame).isEqualTo("event");
      JsonNode event = frame.path("event");
      assertThat(event.path("stream").asText()).isEqualTo(stream);
      events.add(event);
    }
    return events;
  }

  /** Frames received and not taken yet. */
  int queued() {
    return listener.frames.size();
  }

  /** Stops taking frames off the socket (no more demand). */
  void pause() {
    listener.paused.set(true);
  }

  /** Takes frames again. */
  void resume() {
    if (listener.paused.compareAndSet(true, false)) {
      socket.request(1);
    }
  }

  /** The close code the server sent, once it closed; fails after {@link #PATIENCE}. */
  int awaitClose() {
    try {
      return listener.closed.get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new AssertionError("the server did not close the connection within " + PATIENCE, e);
    }
  }

  /** Drops the connection without a close handshake, as a lost network would. */
  void abort() {
    socket.abort();
  }

  @Override
  public void close() {
    socket.abort();
    http.close();
  }

  static JsonNode parse(String text) {
    try {
      return Json.mapper().readTree(text);
    } catch (JsonProcessingException e) {
      throw new AssertionError("the server sent a frame that is not JSON: " + text, e);
    }
  }

  /** Collects frames; requests the next one only while not paused. */
  private static final class Listener implements WebSocket.Listener {
    final BlockingQueue<String> frames = new LinkedBlockingQueue<>();
    final CompletableFuture<Integer> closed = new CompletableFuture<>();
    final AtomicBoolean paused = new AtomicBoolean();
    private final StringBuilder partial = new StringBuilder();

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        frames.add(partial.toString());
        partial.setLength(0);
      }
      if (!paused.get()) {
        webSocket.request(1);
      }
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
      closed.complete(statusCode);
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      closed.completeExceptionally(error);
    }
  }
}
