package dev.capstan.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.capstan.error.ExitCode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A stand-in daemon on loopback speaking the tasks REST contract with canned answers, so the CLI's
 * argument handling and formatting can be tested without a real daemon. It records every request it
 * gets. The CLI reaches it as a remote daemon ({@code CAPSTAN_URL}).
 *
 * <p>Thread-safe.
 */
public final class ContractServer implements AutoCloseable {
  /** The token the CLI must present. */
  public static final String TOKEN = "test-token-0123456789";

  /** One request as the server saw it. */
  public record Request(
      String method, String path, String body, String authorization, String idempotencyKey) {}

  private record Answer(int status, String body) {}

  private final HttpServer server;
  private final Map<String, Answer> answers = new ConcurrentHashMap<>();
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private final Map<String, Integer> drops = new ConcurrentHashMap<>();

  public ContractServer() {
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext("/", this::handle);
    server.start();
  }

  /** Answers {@code method path} (path with its query) with {@code status} and {@code body}. */
  public ContractServer on(String method, String pathAndQuery, int status, String body) {
    answers.put(method + " " + pathAndQuery, new Answer(status, body));
    return this;
  }

  /**
   * Drops the connection of the next {@code times} requests to {@code method path} after reading
   * them, without answering: what the CLI sees when the daemon dies mid-request.
   */
  public ContractServer dropping(String method, String pathAndQuery, int times) {
    drops.put(method + " " + pathAndQuery, times);
    return this;
  }

  /** Every request but the health probes, in order. */
  public List<Request> requests() {
    return requests.stream().filter(request -> !request.path().equals("/api/health")).toList();
  }

  /** The base URL. */
  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** Runs {@code capstan args...} against this server. */
  public Run run(String... args) {
    return run(false, args);
  }

  /** Like {@link #run}, always through picocli (no fast path). */
  Run runThroughPicocli(String... args) {
    return run(true, args);
  }

  private Run run(boolean picocliOnly, String... args) {
    return runCli(
        Map.of(
            CliContext.ENV_URL,
            url(),
            CliContext.ENV_TOKEN,
            TOKEN,
            "CAPSTAN_HOME",
            "/nonexistent-capstan-home"),
        System.getProperty("java.io.tmpdir"),
        picocliOnly,
        args);
  }

  /**
   * Runs {@code capstan args...} in-process with the environment {@code env} and working directory
   * {@code cwd}, capturing what it prints; {@code picocliOnly} skips the fast paths.
   */
  static Run runCli(Map<String, String> env, String cwd, boolean picocliOnly, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    CliContext context =
        new CliContext(
            env,
            cwd,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            Clock.systemUTC(),
            (home, settings) -> ExitCode.FAILURE,
            new LaunchSpec("java", ".", "none", List.of()));
    int exit =
        picocliOnly
            ? CapstanCommand.executeWithPicocli(context, args)
            : CapstanCommand.execute(context, args);
    return new Run(
        exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /** What one CLI run did. */
  public record Run(int exit, String out, String err) {}

  private void handle(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getRawPath();
    String query = exchange.getRequestURI().getRawQuery();
    String pathAndQuery = query == null ? path : path + "?" + query;
    String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    if (path.equals("/api/health")) {
      respond(exchange, 200, "ok");
      return;
    }
    requests.add(
        new Request(
            exchange.getRequestMethod(),
            pathAndQuery,
            body,
            exchange.getRequestHeaders().getFirst("Authorization"),
            exchange.getRequestHeaders().getFirst("Idempotency-Key")));
    String route = exchange.getRequestMethod() + " " + pathAndQuery;
    if (drops.getOrDefault(route, 0) > 0) {
      drops.merge(route, -1, Integer::sum);
      exchange.close();
      return;
    }
    if (!("Bearer " + TOKEN).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
      respond(
          exchange,
          401,
          "{\"error\":{\"code\":\"UNAUTHORIZED\",\"message\":\"Missing or wrong token.\",\"hint\":\"\"}}");
      return;
    }
    Answer answer = answers.get(exchange.getRequestMethod() + " " + pathAndQuery);
    if (answer == null) {
      respond(
          exchange,
          404,
          "{\"error\":{\"code\":\"NOT_FOUND\",\"message\":\"No route "
              + exchange.getRequestMethod()
              + " "
              + path
              + "\",\"hint\":\"\"}}");
      return;
    }
    respond(exchange, answer.status(), answer.body());
  }

  private static void respond(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    // why: like the daemon, answer the CLI's "Connection: close" in kind, so the JDK client does
    // not keep a connection this server is about to close.
    exchange.getResponseHeaders().set("Connection", "close");
    exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
