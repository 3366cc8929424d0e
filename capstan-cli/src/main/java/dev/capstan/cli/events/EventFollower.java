package dev.capstan.cli.events;

import com.fasterxml.jackson.databind.JsonNode;
import dev.capstan.cli.CliContext;
import dev.capstan.cli.CliException;
import dev.capstan.cli.client.Connection;
import dev.capstan.cli.client.DaemonConnector;
import dev.capstan.event.StreamName;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * Follows one stream over the daemon's WebSocket, handing each event to a {@link Handler} once: it
 * resumes after the last handled seq whenever the connection drops, the daemon restarts or the
 * server reports an overflow, waiting a little longer after each failed attempt. It runs until it
 * is interrupted or the handler says to stop.
 *
 * <p>Confined to the command's thread (WebSocket callbacks only enqueue).
 */
public final class EventFollower {
  private static final Duration FIRST_BACKOFF = Duration.ofMillis(250);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(10);

  private final CliContext context;
  private final DaemonConnector connector;
  private final StreamName stream;
  private final Handler handler;

  /**
   * What a follower does with a stream.
   *
   * <p>Called on the follower's thread only.
   */
  public interface Handler {
    /**
     * The subscription is in place (after each connect and reconnect); every event after {@code
     * lastSeq} will be handed over. Returns false to stop following.
     */
    default boolean subscribed(Connection connection, long lastSeq) {
      return true;
    }

    /** Handles one event, seen for the first time. Returns false to stop following. */
    boolean event(JsonNode event);
  }

  public EventFollower(
      CliContext context, DaemonConnector connector, StreamName stream, Handler handler) {
    this.context = context;
    this.connector = connector;
    this.stream = stream;
    this.handler = handler;
  }

  /** The result of one connection. */
  private record Session(long lastSeq, boolean stop) {}

  /** What the socket reported. */
  private sealed interface Signal {
    record Frame(String text) implements Signal {}

    record Closed(String reason) implements Signal {}
  }

  /**
   * Follows from after {@code after} until interrupted or the handler stops; returns the last
   * handled seq.
   */
  public long follow(long after) {
    long lastSeq = after;
    Duration backoff = FIRST_BACKOFF;
    while (!Thread.currentThread().isInterrupted()) {
      String failure;
      try {
        Connection connection = connector.connectUnlessStopped();
        long before = lastSeq;
        Session session = session(connection, lastSeq);
        lastSeq = session.lastSeq();
        if (session.stop()) {
          return lastSeq;
        }
        failure = "connection closed";
        if (lastSeq > before) {
          backoff = FIRST_BACKOFF;
        }
      } catch (CliException e) {
        failure = e.getMessage();
      } catch (RuntimeException e) {
        failure = e.getMessage() == null ? e.toString() : e.getMessage();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return lastSeq;
      }
      context
          .err()
          .println(
              "capstan: "
                  + failure
                  + "; reconnecting in "
                  + backoff.toMillis()
                  + " ms, resuming after seq "
                  + lastSeq);
      try {
        Thread.sleep(backoff.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return lastSeq;
      }
      backoff =
          backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0
              ? MAX_BACKOFF
              : backoff.multipliedBy(2);
    }
    return lastSeq;
  }

  /** One connection: subscribe, hand over events until it ends or the handler stops. */
  private Session session(Connection connection, long after) throws InterruptedException {
    BlockingQueue<Signal> signals = new LinkedBlockingQueue<>();
    long lastSeq = after;
    try (HttpClient http = HttpClient.newHttpClient()) {
      WebSocket socket =
          http.newWebSocketBuilder()
              .header("Authorization", "Bearer " + connection.token().value())
              .connectTimeout(Duration.ofSeconds(5))
              .buildAsync(
                  URI.create(connection.url().replaceFirst("^http", "ws") + "/api/ws"),
                  listener(signals))
              .join();
      subscribe(socket, lastSeq);
      while (true) {
        Signal signal = signals.take();
        switch (signal) {
          case Signal.Closed closed -> {
            return new Session(lastSeq, false);
          }
          case Signal.Frame frame -> {
            JsonNode node = EventsCommand.EventPrinter.parse(frame.text());
            switch (node.path("type").asText()) {
              case "event" -> {
                JsonNode event = node.path("event");
                long seq = event.path("seq").asLong();
                if (seq > lastSeq) {
                  lastSeq = seq;
                  if (!handler.event(event)) {
                    socket.abort();
                    return new Session(lastSeq, true);
                  }
                }
              }
              case "ack" -> {
                if (!handler.subscribed(connection, lastSeq)) {
                  socket.abort();
                  return new Session(lastSeq, true);
                }
              }
              case "overflow" -> {
                context.err().println("capstan: fell behind; resuming after seq " + lastSeq);
                subscribe(socket, lastSeq);
              }
              case "error" ->
                  throw new IllegalStateException(
                      node.path("message").asText("the daemon refused the subscription"));
              default -> {}
            }
          }
        }
      }
    }
  }

  private void subscribe(WebSocket socket, long after) {
    socket
        .sendText(
            "{\"type\":\"subscribe\",\"id\":\"follow\",\"stream\":\""
                + stream.value()
                + "\",\"afterSeq\":"
                + after
                + "}",
            true)
        .join();
  }

  private static WebSocket.Listener listener(BlockingQueue<Signal> signals) {
    return new WebSocket.Listener() {
      private final StringBuilder partial = new StringBuilder();

      @Override
      public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
          signals.add(new Signal.Frame(partial.toString()));
          partial.setLength(0);
        }
        webSocket.request(1);
        return CompletableFuture.completedFuture(null);
      }

      @Override
      public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        signals.add(new Signal.Closed("closed " + statusCode + " " + reason));
        return null;
      }

      @Override
      public void onError(WebSocket webSocket, Throwable error) {
        signals.add(new Signal.Closed(error.toString()));
      }
    };
  }
}
