package dev.capstan.daemon.http;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A Server-Sent Events client for tests on a plain socket (HTTP/1.0, so the body is the raw event
 * stream until the server closes). Parsed events and comments wait in a queue; the reader can start
 * paused, so that the client takes nothing off the socket and the server's writes back up.
 *
 * <p>Thread-safe: one reader thread fills the queue, the test reads it.
 */
final class SseClient implements AutoCloseable {
  static final Duration PATIENCE = Duration.ofSeconds(30);

  /** One thing the server sent: an event (with {@code id}, {@code event}, {@code data}). */
  record Message(Optional<String> id, String event, String data, boolean comment) {
    JsonNode json() {
      return WsClient.parse(data);
    }
  }

  /** Marks the end of the stream in the queue. */
  private static final Message END = new Message(Optional.empty(), "", "", true);

  private final Socket socket;
  private final BufferedReader in;
  private final BlockingQueue<Message> messages = new LinkedBlockingQueue<>();
  private final CountDownLatch started = new CountDownLatch(1);
  private final String statusLine;
  private volatile boolean ended;

  private SseClient(Socket socket, BufferedReader in, String statusLine) {
    this.socket = socket;
    this.in = in;
    this.statusLine = statusLine;
    Thread.ofPlatform().daemon().name("sse-reader").start(this::read);
  }

  /**
   * Opens {@code url} (http://host:port/path?query) with the headers; the reader takes events off
   * the socket only once {@link #resume} is called when {@code paused}.
   */
  static SseClient open(String url, Map<String, String> headers, boolean paused) {
    URI uri = URI.create(url);
    try {
      Socket socket = new Socket();
      if (paused) {
        // why: a small window, so that the server's writes back up after little data.
        socket.setReceiveBufferSize(4096);
      }
      socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 10_000);
      socket.setSoTimeout((int) PATIENCE.toMillis() * 2);
      StringBuilder request = new StringBuilder();
      request.append("GET ").append(uri.getRawPath());
      if (uri.getRawQuery() != null) {
        request.append('?').append(uri.getRawQuery());
      }
      request.append(" HTTP/1.0\r\nHost: ").append(uri.getHost()).append("\r\n");
      headers.forEach(
          (name, value) -> request.append(name).append(": ").append(value).append("\r\n"));
      request.append("\r\n");
      OutputStream out = socket.getOutputStream();
      out.write(request.toString().getBytes(StandardCharsets.UTF_8));
      out.flush();
      BufferedReader in =
          new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8), 1024);
      String status = in.readLine();
      String header;
      while ((header = in.readLine()) != null && !header.isEmpty()) {
        // the headers are not needed
      }
      SseClient client = new SseClient(socket, in, status == null ? "" : status);
      if (!paused) {
        client.resume();
      }
      return client;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open " + url, e);
    }
  }

  /** The HTTP status line, for example {@code HTTP/1.1 200 OK}. */
  String statusLine() {
    return statusLine;
  }

  /** Starts (or restarts) taking events off the socket. */
  void resume() {
    started.countDown();
  }

  /** The next event or comment, or fails the test; empty once the server closed the stream. */
  Optional<Message> next() {
    try {
      Message message = messages.poll(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
      if (message == null) {
        throw new AssertionError("nothing from the server within " + PATIENCE);
      }
      if (message == END) {
        messages.add(END);
        return Optional.empty();
      }
      return Optional.of(message);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** The next event (not a comment), or empty once the stream ended. */
  Optional<Message> nextEvent() {
    while (true) {
      Optional<Message> message = next();
      if (message.isEmpty() || !message.get().comment()) {
        return message;
      }
    }
  }

  /** Reads events until one has id {@code lastSeq}; returns their envelopes. */
  List<JsonNode> eventsUntil(long lastSeq) {
    List<JsonNode> events = new ArrayList<>();
    while (events.isEmpty() || events.getLast().path("seq").asLong() < lastSeq) {
      Message message =
          nextEvent()
              .orElseThrow(
                  () -> new AssertionError("the stream ended before seq " + lastSeq + " came"));
      events.add(message.json());
    }
    return events;
  }

  /** Whether the server closed the stream (seen by the reader). */
  boolean ended() {
    return ended;
  }

  @Override
  public void close() {
    started.countDown();
    try {
      socket.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void read() {
    try {
      started.await();
      Optional<String> id = Optional.empty();
      String event = "message";
      StringBuilder data = new StringBuilder();
      String line;
      while ((line = in.readLine()) != null) {
        if (line.isEmpty()) {
          if (!data.isEmpty()) {
            messages.add(new Message(id, event, data.toString(), false));
          }
          id = Optional.empty();
          event = "message";
          data.setLength(0);
        } else if (line.startsWith(":")) {
          messages.add(new Message(Optional.empty(), "", line.substring(1).strip(), true));
        } else if (line.startsWith("id:")) {
          id = Optional.of(line.substring(3).strip());
        } else if (line.startsWith("event:")) {
          event = line.substring(6).strip();
        } else if (line.startsWith("data:")) {
          data.append(line.substring(5).strip());
        }
      }
    } catch (IOException e) {
      // why: closing the socket from the test ends the reader this way; the END marker says so.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      ended = true;
      messages.add(END);
    }
  }
}
