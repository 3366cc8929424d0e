package dev.capstan.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.capstan.json.Json;
import dev.capstan.time.Stopwatch;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.locks.LockSupport;

/**
 * A stand-in for a local OpenAI-compatible LLM server with fixed, known timing, on the JDK's {@link
 * HttpServer}: {@code GET /v1/models} lists {@link #MODEL}, and every streaming {@code POST
 * /v1/chat/completions} answers with its headers at once, the first token after {@link
 * Pacing#firstToken}, then the remaining tokens one every {@link Pacing#perToken}, then a {@code
 * finish_reason} chunk with usage and {@code data: [DONE]}. Every stream is paced on its own, so
 * parallel requests do not slow each other down (a real server shares its GPU; this one measures
 * Capstan, not inference).
 *
 * <p>Thread-safe; one virtual thread per request.
 */
final class BenchLlmServer implements AutoCloseable {
  /** The one model the server lists. */
  static final String MODEL = "bench-model";

  /**
   * How the server streams an answer.
   *
   * @param firstToken from the request until the first content token
   * @param perToken between two later tokens
   * @param tokens content tokens per answer
   */
  record Pacing(Duration firstToken, Duration perToken, int tokens) {
    Pacing {
      if (tokens < 1) {
        throw new IllegalArgumentException("tokens must be >= 1, was " + tokens);
      }
      if (firstToken.isNegative() || perToken.isNegative()) {
        throw new IllegalArgumentException("pacing must not be negative");
      }
    }

    /** How long one answer takes to stream, at the least. */
    Duration answer() {
      return firstToken.plus(perToken.multipliedBy(tokens - 1L));
    }

    /** For a person: {@code first token after 20 ms, then 19 more every 2 ms}. */
    String describe() {
      return "first token after "
          + firstToken.toMillis()
          + " ms, then "
          + (tokens - 1)
          + " more every "
          + perToken.toMillis()
          + " ms";
    }
  }

  /**
   * When the server saw a request, on {@link #clock()} in nanoseconds.
   *
   * @param receivedAt the request arrived
   * @param firstTokenAt its first content token was written and flushed
   */
  record Stamp(long receivedAt, long firstTokenAt) {}

  private final Pacing pacing;
  private final HttpServer server;
  private final ExecutorService executor;
  private final Stopwatch clock = Stopwatch.start();
  private final Map<String, Stamp> stamps = new ConcurrentHashMap<>();

  private BenchLlmServer(Pacing pacing, HttpServer server, ExecutorService executor) {
    this.pacing = pacing;
    this.server = server;
    this.executor = executor;
  }

  /** Starts a server on a free loopback port. */
  static BenchLlmServer start(Pacing pacing) throws IOException {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    BenchLlmServer llm = new BenchLlmServer(pacing, server, executor);
    server.setExecutor(executor);
    server.createContext("/v1/models", llm::models);
    server.createContext("/v1/chat/completions", llm::chat);
    server.start();
    return llm;
  }

  /** The monotonic clock of the stamps; the bench measures with it too. */
  Stopwatch clock() {
    return clock;
  }

  /** When the request whose last user message is {@code message} arrived and got its token. */
  Optional<Stamp> stamp(String message) {
    return Optional.ofNullable(stamps.get(message));
  }

  /** The base URL, as {@code CAPSTAN_LLM_URL} takes it: {@code http://127.0.0.1:PORT/v1}. */
  String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
  }

  private void models(HttpExchange exchange) throws IOException {
    exchange.getRequestBody().readAllBytes();
    ObjectNode body = Json.mapper().createObjectNode().put("object", "list");
    body.putArray("data").addObject().put("id", MODEL).put("object", "model");
    byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(200, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private void chat(HttpExchange exchange) throws IOException {
    Stopwatch since = Stopwatch.start();
    long receivedAt = clock.elapsed().toNanos();
    String message = lastUserMessage(exchange.getRequestBody().readAllBytes());
    exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
    exchange.getResponseHeaders().set("Cache-Control", "no-cache");
    exchange.sendResponseHeaders(200, 0);
    try (OutputStream out = exchange.getResponseBody()) {
      out.flush();
      for (int i = 0; i < pacing.tokens(); i++) {
        // why: deadlines from the request's start, so sleep overshoot does not add up.
        Duration due = pacing.firstToken().plus(pacing.perToken().multipliedBy(i));
        long wait = since.remaining(due).toNanos();
        if (wait > 0) {
          LockSupport.parkNanos(wait);
        }
        ObjectNode delta = Json.mapper().createObjectNode();
        if (i == 0) {
          delta.put("role", "assistant");
        }
        delta.put("content", "tok" + i + " ");
        send(out, chunk(delta, null));
        if (i == 0) {
          stamps.put(message, new Stamp(receivedAt, clock.elapsed().toNanos()));
        }
      }
      ObjectNode last = chunk(Json.mapper().createObjectNode(), "stop");
      last.putObject("usage")
          .put("prompt_tokens", 10)
          .put("completion_tokens", pacing.tokens())
          .put("total_tokens", 10 + pacing.tokens());
      send(out, last);
      out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      // the client went away: nothing left to send
    }
  }

  private static String lastUserMessage(byte[] body) throws IOException {
    String last = "";
    for (JsonNode message : Json.mapper().readTree(body).path("messages")) {
      if (message.path("role").asText().equals("user")) {
        last = message.path("content").asText("");
      }
    }
    return last;
  }

  private static ObjectNode chunk(ObjectNode delta, String finishReason) {
    ObjectNode chunk =
        Json.mapper()
            .createObjectNode()
            .put("id", "chatcmpl-bench")
            .put("object", "chat.completion.chunk")
            .put("model", MODEL);
    ObjectNode choice = chunk.putArray("choices").addObject().put("index", 0);
    choice.set("delta", delta);
    if (finishReason == null) {
      choice.putNull("finish_reason");
    } else {
      choice.put("finish_reason", finishReason);
    }
    return chunk;
  }

  private static void send(OutputStream out, ObjectNode chunk) throws IOException {
    out.write(("data: " + chunk + "\n\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
