package dev.capstan.daemon.http;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import dev.capstan.approval.Approvals;
import dev.capstan.config.CapstanSettings;
import dev.capstan.daemon.metrics.DaemonMetrics;
import dev.capstan.daemon.task.TaskApi;
import dev.capstan.error.ApiError;
import dev.capstan.error.CapstanException;
import dev.capstan.error.ErrorCode;
import dev.capstan.event.EventLog;
import dev.capstan.json.Json;
import dev.capstan.llm.LlmStatus;
import dev.capstan.manifest.DaemonIdentity;
import dev.capstan.session.Sessions;
import dev.capstan.tool.ToolDescription;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.HttpStatus;
import io.javalin.json.JavalinJackson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.ServerSocketChannel;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's HTTP surface on Javalin: routes, bearer auth on everything but {@code /api/health},
 * request limits, and the one error shape for every 4xx/5xx.
 *
 * <p>Built once by {@code Daemon}; the returned server is thread-safe.
 */
public final class HttpApi {
  private static final Logger log = LoggerFactory.getLogger(HttpApi.class);

  /** Routes that answer without credentials. */
  static final Set<String> PUBLIC_PATHS = Set.of("/api/health");

  private HttpApi() {}

  /**
   * What the routes need from the daemon.
   *
   * @param auth the bearer token check
   * @param identity who this daemon is, right now
   * @param shutdown asks the daemon to stop; the argument is the reason
   * @param tasks the tasks API, when the daemon runs tasks
   * @param llmStatus runs a fresh (bounded) check of the LLM server
   * @param tools the tools with their effective policies
   */
  public record Deps(
      BearerAuth auth,
      Supplier<DaemonIdentity> identity,
      Consumer<String> shutdown,
      EventLog events,
      DaemonMetrics metrics,
      Clock clock,
      Optional<TaskApi> tasks,
      Supplier<LlmStatus> llmStatus,
      Supplier<List<ToolDescription>> tools,
      Sessions sessions,
      Approvals approvals) {
    public Deps {
      Objects.requireNonNull(auth, "auth");
      Objects.requireNonNull(identity, "identity");
      Objects.requireNonNull(shutdown, "shutdown");
      Objects.requireNonNull(events, "events");
      Objects.requireNonNull(metrics, "metrics");
      Objects.requireNonNull(clock, "clock");
      Objects.requireNonNull(tasks, "tasks");
      Objects.requireNonNull(llmStatus, "llmStatus");
      Objects.requireNonNull(tools, "tools");
      Objects.requireNonNull(sessions, "sessions");
      Objects.requireNonNull(approvals, "approvals");
    }
  }

  /**
   * What {@link #create} returns.
   *
   * @param app the server
   * @param sseKeepAlive sends keep-alive comments on open SSE streams; run it periodically
   * @param closeStreams ends every SSE stream and WebSocket; run it before stopping the server
   */
  public record Server(Javalin app, Runnable sseKeepAlive, Runnable closeStreams) {}

  /** The optional body of {@code POST /api/daemon/shutdown}. */
  record ShutdownRequest(String reason) {
    ShutdownRequest {
      reason = Objects.requireNonNullElse(reason, "");
    }
  }

  /**
   * Creates (does not start) the server on an already bound channel.
   *
   * @param http request limits
   * @param channel the listening socket, bound by the caller
   * @param stopTimeout how long a stop lets in-flight requests finish
   * @param deps collaborators
   */
  public static Server create(
      CapstanSettings.HttpSettings http,
      ServerSocketChannel channel,
      Duration stopTimeout,
      Deps deps) {
    AtomicReference<Javalin> self = new AtomicReference<>();
    long maxBody = http.maxRequestBytes();
    WsTickets tickets = new WsTickets(deps.clock());
    EventRoutes.SseClients sseClients = new EventRoutes.SseClients();
    EventRoutes.Sockets sockets = new EventRoutes.Sockets();
    deps.metrics().gauge("capstan_ws_connections", "Open WebSocket connections", sockets::size);
    deps.metrics().gauge("capstan_sse_clients", "Open SSE streams", sseClients::size);
    deps.metrics()
        .gauge(
            "capstan_event_subscribers",
            "Live event subscriptions (WebSocket and SSE)",
            deps.events()::listenerCount);
    deps.metrics()
        .gauge(
            "capstan_event_queue_depth",
            "Events waiting for the writer",
            () -> deps.events().writeLoop().queued());
    Javalin app =
        Javalin.create(
            config -> {
              config.concurrency.useVirtualThreads = true;
              config.startup.showJavalinBanner = false;
              config.startup.showOldJavalinVersionWarning = false;
              config.startup.startupWatcherEnabled = false;
              config.http.maxRequestSize = maxBody;
              config.http.prefer405over404 = true;
              config.jsonMapper(new JavalinJackson(Json.mapper(), true));
              config.jetty.modifyServer(
                  server -> {
                    server.setErrorHandler(new JsonErrorHandler());
                    server.setStopTimeout(stopTimeout.toMillis());
                    server.insertHandler(new GracefulHandler());
                  });
              config.jetty.addConnector(
                  (server, httpConfiguration) -> {
                    ServerConnector connector =
                        new ServerConnector(server, new HttpConnectionFactory(httpConfiguration));
                    try {
                      connector.open(channel);
                    } catch (IOException e) {
                      throw new UncheckedIOException("cannot adopt the bound socket", e);
                    }
                    return connector;
                  });
              config.requestLogger.http(
                  (ctx, millis) ->
                      log.debug(
                          "http method={} path={} status={} ms={}",
                          ctx.method(),
                          ctx.path(),
                          ctx.statusCode(),
                          millis));

              config.routes.before(
                  ctx -> {
                    boolean ticketed =
                        EventRoutes.acceptsTicket(ctx.path())
                            && tickets.redeem(ctx.queryParam("ticket"));
                    if (!PUBLIC_PATHS.contains(ctx.path()) && !ticketed) {
                      deps.auth().check(ctx.header("Authorization"));
                    }
                    if (ctx.contentLength() > maxBody) {
                      throw new PayloadTooLarge(maxBody);
                    }
                  });

              config.routes.get("/api/health", ctx -> ctx.contentType("text/plain").result("ok"));
              config.routes.get("/api/daemon", ctx -> ctx.json(deps.identity().get()));
              config.routes.post(
                  "/api/daemon/shutdown",
                  ctx -> {
                    String reason =
                        optionalBody(ctx, ShutdownRequest.class)
                            .map(ShutdownRequest::reason)
                            .filter(r -> !r.isBlank())
                            .orElse("requested over HTTP");
                    ctx.status(HttpStatus.ACCEPTED).json(Map.of("status", "stopping"));
                    deps.shutdown().accept(reason);
                  });
              config.routes.post(
                  "/api/token/rotate",
                  ctx -> {
                    deps.auth().rotate();
                    log.info("token rotated; the previous token no longer works");
                    ctx.json(Map.of("rotated", true));
                  });
              config.routes.get("/api/routes", ctx -> ctx.json(routes(self.get())));
              config.routes.get("/api/llm/status", ctx -> ctx.json(deps.llmStatus().get()));
              config.routes.get(
                  "/api/tools", ctx -> ctx.json(Map.of("tools", ToolViews.of(deps.tools().get()))));
              config.routes.get(
                  "/metrics",
                  ctx ->
                      ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
                          .result(deps.metrics().scrape()));
              EventRoutes.register(
                  config,
                  deps.events(),
                  deps.auth(),
                  tickets,
                  sseClients,
                  sockets,
                  deps.sessions());
              SessionRoutes.register(config, deps.sessions(), deps.approvals());
              deps.tasks().ifPresent(tasks -> TaskRoutes.register(config, tasks));

              config.routes.exception(
                  CapstanException.class,
                  (e, ctx) -> {
                    if (e.code() == ErrorCode.UNAUTHORIZED) {
                      ctx.header("WWW-Authenticate", "Bearer");
                    }
                    writeError(ctx, e.code(), e.getMessage(), e.hint());
                  });
              config.routes.exception(
                  HttpResponseException.class,
                  (e, ctx) -> {
                    ErrorCode code = ErrorCode.forStatus(e.getStatus());
                    writeError(ctx, code, describe(code, ctx, e, maxBody), hintFor(code));
                  });
              config.routes.exception(
                  Exception.class,
                  (e, ctx) -> {
                    log.error("unhandled error method={} path={}", ctx.method(), ctx.path(), e);
                    writeError(
                        ctx,
                        ErrorCode.INTERNAL,
                        "Internal error while handling " + ctx.method() + " " + ctx.path() + ".",
                        "Details are in logs/daemon.log (`capstan daemon logs`).");
                  });
            });
    self.set(app);
    return new Server(
        app,
        sseClients::keepAlive,
        () -> {
          sseClients.closeAll();
          sockets.closeAll();
        });
  }

  /** Every HTTP route the router knows, in a stable order. */
  public static List<RouteInfo> routes(Javalin app) {
    Stream<RouteInfo> http =
        app.unsafe.internalRouter.allHttpHandlers().stream()
            .map(parsed -> parsed.endpoint)
            .filter(endpoint -> endpoint.method.isHttpMethod())
            .map(
                endpoint ->
                    new RouteInfo(
                        endpoint.method.name(),
                        endpoint.path,
                        !PUBLIC_PATHS.contains(endpoint.path)));
    // why: a WebSocket upgrade is a GET on its path; list it so that auth checks cover it.
    Stream<RouteInfo> websocket =
        app.unsafe.internalRouter.allWsHandlers().stream()
            .map(entry -> new RouteInfo("GET", entry.getPath(), true));
    return Stream.concat(http, websocket)
        .distinct()
        .sorted(Comparator.comparing(RouteInfo::path).thenComparing(RouteInfo::method))
        .toList();
  }

  /** Reads an optional JSON body; unknown fields and bad syntax are {@link InvalidJson}. */
  static <T> Optional<T> optionalBody(Context ctx, Class<T> type) {
    byte[] bytes = ctx.bodyAsBytes();
    if (bytes.length == 0 || new String(bytes, java.nio.charset.StandardCharsets.UTF_8).isBlank()) {
      return Optional.empty();
    }
    try {
      T value =
          Json.mapper()
              .readerFor(type)
              .with(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
              .readValue(bytes);
      return Optional.ofNullable(value);
    } catch (JacksonException e) {
      throw new InvalidJson(e.getOriginalMessage());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the request body", e);
    }
  }

  private static void writeError(Context ctx, ErrorCode code, String message, String hint) {
    ctx.status(code.httpStatus()).json(ApiError.of(code, message, hint));
  }

  private static String describe(
      ErrorCode code, Context ctx, HttpResponseException e, long maxBody) {
    return switch (code) {
      case NOT_FOUND -> "No route " + ctx.method() + " " + ctx.path() + ".";
      case METHOD_NOT_ALLOWED ->
          "Method " + ctx.method() + " is not allowed on " + ctx.path() + ".";
      case PAYLOAD_TOO_LARGE ->
          "The request body is larger than the limit of " + maxBody + " bytes.";
      default -> e.getMessage();
    };
  }

  private static String hintFor(ErrorCode code) {
    return switch (code) {
      case NOT_FOUND -> "GET /api/routes lists every route.";
      case METHOD_NOT_ALLOWED -> "GET /api/routes lists every route with its method.";
      case PAYLOAD_TOO_LARGE ->
          "Send less, or raise http.maxRequestBytes / CAPSTAN_MAX_REQUEST_BYTES.";
      default -> "";
    };
  }
}
