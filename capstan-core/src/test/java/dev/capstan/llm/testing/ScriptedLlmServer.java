package dev.capstan.llm.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.capstan.json.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A scripted stand-in for an OpenAI-compatible LLM server, on the JDK's {@link HttpServer}, that
 * speaks the real protocol: {@code GET /v1/models} lists the models set with {@link #models}, and
 * each {@code POST /v1/chat/completions} plays the next {@link LlmScript} (or the fallback set with
 * {@link #otherwise}). It records every chat request (body and {@code Authorization} header) so
 * tests can assert what was sent and how often.
 *
 * <pre>{@code
 * try (ScriptedLlmServer llm = ScriptedLlmServer.start()) {
 *   llm.enqueue(LlmScript.reply("Hello"));
 *   ... CAPSTAN_LLM_URL = llm.baseUrl() ...
 * }
 * }</pre>
 *
 * <p>{@link #stop()} takes it down (the port refuses connections) and {@link #restart()} brings it
 * back on the same port. {@link #closedPortUrl()} gives a URL where nothing listens.
 *
 * <p>Thread-safe.
 */
public final class ScriptedLlmServer implements AutoCloseable {
  private final Object lock = new Object();
  private final Deque<LlmScript> scripts = new ArrayDeque<>();
  private final List<JsonNode> chatBodies = new ArrayList<>();
  private final List<Optional<String>> authorizations = new ArrayList<>();
  private final AtomicReference<CountDownLatch> stallGate =
      new AtomicReference<>(new CountDownLatch(1));
  private int port;
  private LlmScript fallback = LlmScript.reply("ok");
  private List<String> models = List.of("test-model");
  private int modelsStatus = 200;
  private int modelRequests;
  private HttpServer server;
  private ExecutorService executor;

  private ScriptedLlmServer(int port) {
    this.port = port;
  }

  /** Starts a server on a free loopback port. */
  public static ScriptedLlmServer start() {
    ScriptedLlmServer llm = new ScriptedLlmServer(0);
    llm.bind(0);
    return llm;
  }

  /** A base URL on a loopback port where nothing listens (bound, then closed). */
  public static URI closedPortUrl() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return URI.create("http://127.0.0.1:" + socket.getLocalPort() + "/v1");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The base URL, {@code http://127.0.0.1:<port>/v1}. */
  public URI baseUrl() {
    return URI.create("http://127.0.0.1:" + port() + "/v1");
  }

  /** The port it listens on (kept across {@link #stop()} and {@link #restart()}). */
  public int port() {
    synchronized (lock) {
      return server == null ? port : server.getAddress().getPort();
    }
  }

  /** The models {@code GET /v1/models} lists; none for an empty list. */
  public ScriptedLlmServer models(String... ids) {
    synchronized (lock) {
      models = List.of(ids);
      modelsStatus = 200;
    }
    return this;
  }

  /** {@code GET /v1/models} answers with this status and an error body. */
  public ScriptedLlmServer modelsFail(int status) {
    synchronized (lock) {
      modelsStatus = status;
    }
    return this;
  }

  /** Plays {@code script} for the next chat request not yet scripted. */
  public ScriptedLlmServer enqueue(LlmScript script) {
    synchronized (lock) {
      scripts.addLast(script);
    }
    return this;
  }

  /** Plays {@code script} whenever no enqueued script is left (default: a reply "ok"). */
  public ScriptedLlmServer otherwise(LlmScript script) {
    synchronized (lock) {
      fallback = script;
    }
    return this;
  }

  /** Lets every stalled stream go on (and later stalls stall again). */
  public void releaseStalls() {
    stallGate.getAndSet(new CountDownLatch(1)).countDown();
  }

  /** How many chat requests arrived. */
  public int chatRequests() {
    synchronized (lock) {
      return chatBodies.size();
    }
  }

  /** How many model-list requests arrived. */
  public int modelRequests() {
    synchronized (lock) {
      return modelRequests;
    }
  }

  /** The bodies of the chat requests, in arrival order. */
  public List<JsonNode> chatBodies() {
    synchronized (lock) {
      return List.copyOf(chatBodies);
    }
  }

  /** The {@code Authorization} header of each chat request, in arrival order. */
  public List<Optional<String>> authorizations() {
    synchronized (lock) {
      return List.copyOf(authorizations);
    }
  }

  /** Takes the server down: the port refuses connections; stalled streams are cut. */
  public void stop() {
    HttpServer running;
    ExecutorService pool;
    synchronized (lock) {
      running = server;
      pool = executor;
      server = null;
      executor = null;
    }
    releaseStalls();
    if (running != null) {
      running.stop(0);
    }
    if (pool != null) {
      pool.shutdownNow();
    }
  }

  /** Brings a stopped server back on the same port. */
  public void restart() {
    int previous = port();
    stop();
    bind(previous);
  }

  @Override
  public void close() {
    stop();
  }

  private void bind(int wanted) {
    HttpServer created;
    try {
      created =
          HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), wanted), 50);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot bind the scripted LLM server to port " + wanted, e);
    }
    ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
    created.setExecutor(pool);
    created.createContext("/v1/models", this::handleModels);
    created.createContext("/v1/chat/completions", this::handleChat);
    created.createContext("/", exchange -> respond(exchange, 404, "{\"error\":\"not found\"}"));
    created.start();
    synchronized (lock) {
      server = created;
      executor = pool;
      port = created.getAddress().getPort();
    }
  }

  private void handleModels(HttpExchange exchange) throws IOException {
    List<String> ids;
    int status;
    synchronized (lock) {
      modelRequests++;
      ids = models;
      status = modelsStatus;
    }
    if (status != 200) {
      respond(exchange, status, "{\"error\":{\"message\":\"models unavailable\"}}");
      return;
    }
    ObjectNode body = Json.mapper().createObjectNode().put("object", "list");
    ArrayNode data = body.putArray("data");
    for (String id : ids) {
      data.addObject().put("id", id).put("object", "model").put("owned_by", "organization_owner");
    }
    respond(exchange, 200, body.toString());
  }

  private void handleChat(HttpExchange exchange) throws IOException {
    byte[] requestBytes = exchange.getRequestBody().readAllBytes();
    LlmScript script;
    synchronized (lock) {
      JsonNode body;
      try {
        body = Json.mapper().readTree(requestBytes);
      } catch (IOException e) {
        body =
            Json.mapper()
                .getNodeFactory()
                .textNode(new String(requestBytes, StandardCharsets.UTF_8));
      }
      chatBodies.add(body);
      authorizations.add(
          Optional.ofNullable(exchange.getRequestHeaders().getFirst("Authorization")));
      script = scripts.isEmpty() ? fallback : scripts.removeFirst();
    }
    if (script.hangUp()) {
      // why: an exception out of a handler makes the JDK server close the connection unanswered.
      throw new IOException("scripted hang-up");
    }
    script.headers().forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
    if (script.statusCode() != 200) {
      respond(exchange, script.statusCode(), script.body());
      return;
    }
    exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
    exchange.getResponseHeaders().set("Cache-Control", "no-cache");
    // why: a fixed, too large length lets a drop cut the connection mid-body, as a crash does;
    // a chunked body would end cleanly when the exchange closes.
    exchange.sendResponseHeaders(200, script.drops() ? Integer.MAX_VALUE : 0);
    OutputStream out = exchange.getResponseBody();
    try {
      for (LlmScript.Step step : script.steps()) {
        switch (step) {
          case LlmScript.Step.Bytes bytes -> {
            out.write(bytes.bytes());
            out.flush();
          }
          case LlmScript.Step.Pause pause -> sleep(pause.duration().toMillis());
          case LlmScript.Step.Stall stall -> awaitRelease();
          case LlmScript.Step.Drop drop -> {
            out.flush();
            exchange.close();
            return;
          }
        }
      }
      out.close();
    } catch (IOException e) {
      // the client went away (cancel, timeout): nothing left to send
      exchange.close();
    }
  }

  private void awaitRelease() {
    try {
      stallGate.get().await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void respond(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }
}
