package dev.capstan.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.capstan.json.Json;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A WebSocket client following the {@code tasks} stream, as a dashboard does, and counting the
 * tasks that reached a final state; the bench waits on it instead of polling the API, which would
 * cost the daemon CPU of its own.
 *
 * <p>Thread-safe: the socket's callbacks come one at a time; the count is read through a future.
 */
final class TasksWatch implements WebSocket.Listener, AutoCloseable {
  private final HttpClient http = HttpClient.newHttpClient();
  private final StringBuilder partial = new StringBuilder();
  private final CompletableFuture<Void> subscribed = new CompletableFuture<>();
  private volatile CompletableFuture<Void> settled = new CompletableFuture<>();
  private volatile int expected = Integer.MAX_VALUE;
  private int finished;
  private WebSocket socket;

  private TasksWatch() {}

  /** Subscribes to {@code tasks} after {@code afterSeq} and waits for the daemon's ack. */
  static TasksWatch follow(SessionWatch.Endpoint endpoint, long afterSeq) throws Exception {
    TasksWatch watch = new TasksWatch();
    watch.socket = endpoint.openSocket(watch.http, watch);
    watch
        .socket
        .sendText(
            "{\"type\":\"subscribe\",\"id\":\"tasks\",\"stream\":\"tasks\",\"afterSeq\":"
                + afterSeq
                + "}",
            true)
        .get(10, TimeUnit.SECONDS);
    watch.subscribed.get(10, TimeUnit.SECONDS);
    return watch;
  }

  /**
   * Waits until {@code count} tasks have completed since the subscription.
   *
   * @throws IllegalStateException when a task failed or was cancelled
   * @throws TimeoutException after {@code deadline}
   */
  void awaitCompleted(int count, Duration deadline) throws Exception {
    expected = count;
    synchronized (this) {
      if (finished >= count) {
        settled.complete(null);
      }
    }
    try {
      settled.get(deadline.toMillis(), TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
    }
  }

  @Override
  public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
    partial.append(data);
    if (last) {
      String frame = partial.toString();
      partial.setLength(0);
      try {
        onFrame(Json.mapper().readTree(frame));
      } catch (IOException e) {
        settled.completeExceptionally(
            new IllegalStateException("the daemon sent a frame that is not JSON: " + frame, e));
      }
    }
    webSocket.request(1);
    return null;
  }

  private void onFrame(JsonNode frame) {
    switch (frame.path("type").asText()) {
      case "ack" -> subscribed.complete(null);
      case "event" -> {
        JsonNode event = frame.path("event");
        if (!"task.state".equals(event.path("type").asText())) {
          return;
        }
        String to = event.path("data").path("to").asText("");
        if (to.equals("failed") || to.equals("cancelled")) {
          settled.completeExceptionally(
              new IllegalStateException("a bench task did not complete: " + event));
        } else if (to.equals("completed")) {
          synchronized (this) {
            finished++;
            if (finished >= expected) {
              settled.complete(null);
            }
          }
        }
      }
      default ->
          settled.completeExceptionally(
              new IllegalStateException("the tasks subscription broke: " + frame));
    }
  }

  @Override
  public void close() {
    if (socket != null) {
      socket.abort();
    }
    http.close();
  }
}
