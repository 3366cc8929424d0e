package dev.capstan.app;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * A WebSocket client of {@code /api/ws} as a user's client would be: it subscribes, keeps every
 * frame it receives, and can be closed (a client going away) at any moment.
 *
 * <p>Frames arrive on the client's threads; the lists are thread-safe.
 */
final class WsProbe implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http = HttpClient.newHttpClient();
  private final WebSocket socket;
  private final List<JsonNode> frames = new CopyOnWriteArrayList<>();
  private volatile boolean closed;

  WsProbe(String baseUrl, String token) {
    socket =
        http.newWebSocketBuilder()
            .header("Authorization", "Bearer " + token)
            .connectTimeout(Duration.ofSeconds(5))
            .buildAsync(URI.create(baseUrl.replaceFirst("^http", "ws") + "/api/ws"), listener())
            .join();
  }

  /** Sends one frame. */
  void send(String json) {
    socket.sendText(json, true).join();
  }

  /** Subscribes to {@code stream} from the beginning. */
  void subscribe(String stream) {
    send("{\"type\":\"subscribe\",\"id\":\"s\",\"stream\":\"" + stream + "\",\"afterSeq\":0}");
  }

  /** Waits for a frame carrying an event of {@code type} and returns the event. */
  JsonNode awaitEvent(String type) {
    return awaitFrame(
            frame ->
                frame.path("type").asText().equals("event")
                    && frame.path("event").path("type").asText().equals(type))
        .path("event");
  }

  /** Waits for a frame matching {@code test}. */
  JsonNode awaitFrame(Predicate<JsonNode> test) {
    return await("a frame on the WebSocket")
        .atMost(CapstanHarness.PATIENCE)
        .until(() -> frames.stream().filter(test).findFirst(), java.util.Optional::isPresent)
        .orElseThrow();
  }

  /** Whether the server closed the connection. */
  boolean closedByServer() {
    return closed;
  }

  @Override
  public void close() {
    socket.abort();
    http.close();
  }

  private WebSocket.Listener listener() {
    return new WebSocket.Listener() {
      private final StringBuilder partial = new StringBuilder();

      @Override
      public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
          try {
            frames.add(JSON.readTree(partial.toString()));
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
          partial.setLength(0);
        }
        webSocket.request(1);
        return CompletableFuture.completedFuture(null);
      }

      @Override
      public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closed = true;
        return null;
      }

      @Override
      public void onError(WebSocket webSocket, Throwable error) {
        closed = true;
      }
    };
  }
}
