package dev.capstan.daemon.http;

import dev.capstan.error.CapstanException;
import dev.capstan.error.ErrorCode;
import dev.capstan.event.EventLog;
import dev.capstan.event.StoredEvent;
import dev.capstan.event.StreamName;
import dev.capstan.event.Subscription;
import dev.capstan.session.Sessions;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.http.sse.SseClient;
import io.javalin.http.sse.SseHandler;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The event log over HTTP: {@code GET /api/events} (polling), {@code GET /api/events/stream} (SSE,
 * {@code Last-Event-ID} resumes) and {@code /api/ws} (WebSocket). Browsers, which cannot set an
 * Authorization header there, open SSE and WebSocket with a one-time {@code ticket}.
 *
 * <p>Registered once by {@link HttpApi}; the handlers are thread-safe.
 */
final class EventRoutes {
  static final int DEFAULT_LIMIT = 1_000;
  static final int MAX_LIMIT = 10_000;
  static final int MAX_FRAME_BYTES = 64 * 1024;
  static final Duration WS_IDLE_TIMEOUT = Duration.ofMinutes(5);

  private static final String SSE_STREAM = "capstan.sse.stream";
  private static final String SSE_AFTER = "capstan.sse.after";

  private EventRoutes() {}

  /**
   * Open SSE clients, for keep-alive comments. Writes to one client (events from its subscription,
   * keep-alive comments) are serialised by its own lock, because a stream takes one writer at a
   * time.
   */
  static final class SseClients {
    private final Map<SseClient, ReentrantLock> clients = new ConcurrentHashMap<>();

    void add(SseClient client) {
      clients.put(client, new ReentrantLock());
    }

    void remove(SseClient client) {
      clients.remove(client);
    }

    /** Writes to one client, never concurrently with another write to it. */
    void write(SseClient client, Runnable write) {
      ReentrantLock lock = clients.getOrDefault(client, new ReentrantLock());
      lock.lock();
      try {
        write.run();
      } finally {
        lock.unlock();
      }
    }

    /** Sends a keep-alive comment to every open client; one failing client skips no other. */
    void keepAlive() {
      for (SseClient client : clients.keySet()) {
        if (client.terminated()) {
          clients.remove(client);
          continue;
        }
        try {
          write(client, () -> client.sendComment("keep-alive"));
        } catch (RuntimeException e) {
          clients.remove(client);
        }
      }
    }

    int size() {
      return clients.size();
    }

    /** Ends every stream (the daemon is stopping); clients reconnect with Last-Event-ID. */
    void closeAll() {
      for (SseClient client : clients.keySet()) {
        client.close();
      }
      clients.clear();
    }
  }

  /** Open WebSocket connections, so that a stopping daemon can close them. */
  static final class Sockets {
    private final Map<String, EventSocket> bySession = new ConcurrentHashMap<>();

    int size() {
      return bySession.size();
    }

    /** Closes every connection with 1001 (going away); clients reconnect and resume. */
    void closeAll() {
      for (EventSocket socket : bySession.values()) {
        socket.goingAway();
      }
    }
  }

  static void register(
      JavalinConfig config,
      EventLog events,
      BearerAuth auth,
      WsTickets tickets,
      SseClients sseClients,
      Sockets sockets,
      Sessions sessions) {
    config.jetty.modifyWebSocketServletFactory(
        factory -> {
          factory.setMaxTextMessageSize(MAX_FRAME_BYTES);
          factory.setIdleTimeout(WS_IDLE_TIMEOUT);
        });

    config.routes.post(
        "/api/ws/ticket",
        ctx ->
            ctx.json(
                Map.of(
                    "ticket",
                    tickets.issue(),
                    "expiresInSeconds",
                    WsTickets.LIFETIME.toSeconds())));

    config.routes.get("/api/events", ctx -> poll(ctx, events));

    SseHandler sse =
        new SseHandler(
            0,
            client -> {
              Context ctx = client.ctx();
              StreamName stream = ctx.attribute(SSE_STREAM);
              long after = ctx.attribute(SSE_AFTER);
              client.keepAlive();
              sseClients.add(client);
              Subscription subscription =
                  events.subscribe(
                      stream,
                      after,
                      new Subscription.Sink() {
                        @Override
                        public void event(StoredEvent event) {
                          if (client.terminated()) {
                            throw new IllegalStateException("client gone");
                          }
                          sseClients.write(
                              client,
                              () ->
                                  client.sendEvent(
                                      event.type(), event.toJson(), Long.toString(event.seq())));
                        }

                        @Override
                        public void overflow(StreamName overflowed, long lastSeq) {
                          String data =
                              "{\"stream\":\""
                                  + overflowed.value()
                                  + "\",\"lastSeq\":"
                                  + lastSeq
                                  + "}";
                          sseClients.write(
                              client,
                              () -> client.sendEvent("overflow", data, Long.toString(lastSeq)));
                          client.close();
                        }

                        @Override
                        public void ended() {
                          sseClients.remove(client);
                        }
                      });
              client.onClose(
                  () -> {
                    sseClients.remove(client);
                    subscription.close();
                  });
            });
    config.routes.get(
        "/api/events/stream",
        ctx -> {
          // why: validate before the stream starts; once it has, errors can no longer be sent
          // in the error shape.
          String accept = ctx.header("Accept");
          if (accept == null || !accept.contains("text/event-stream")) {
            throw new NotAcceptable();
          }
          ctx.attribute(SSE_STREAM, streamParam(ctx));
          ctx.attribute(SSE_AFTER, resumePoint(ctx));
          sse.handle(ctx);
        });

    config.routes.addHttpHandler(
        HandlerType.WEBSOCKET_BEFORE_UPGRADE,
        "/api/ws",
        ctx -> {
          if (!tickets.redeem(ctx.queryParam("ticket"))) {
            auth.check(ctx.header("Authorization"));
          }
        });
    config.routes.ws(
        "/api/ws",
        ws -> {
          ws.onConnect(
              ctx -> {
                sockets.bySession.put(ctx.sessionId(), new EventSocket(ctx, events, sessions));
              });
          ws.onMessage(
              ctx -> {
                EventSocket socket = sockets.bySession.get(ctx.sessionId());
                if (socket != null) {
                  socket.onFrame(ctx.message());
                }
              });
          ws.onClose(
              ctx -> {
                EventSocket socket = sockets.bySession.remove(ctx.sessionId());
                if (socket != null) {
                  socket.onClose();
                }
              });
          ws.onError(
              ctx -> {
                EventSocket socket = sockets.bySession.remove(ctx.sessionId());
                if (socket != null) {
                  socket.onClose();
                }
              });
        });
  }

  /** Whether a request may use a one-time ticket instead of the Authorization header. */
  static boolean acceptsTicket(String path) {
    return path.equals("/api/events/stream");
  }

  private static void poll(Context ctx, EventLog events) {
    StreamName stream = streamParam(ctx);
    long after = longParam(ctx, "afterSeq", 0);
    long requested = longParam(ctx, "limit", DEFAULT_LIMIT);
    if (requested < 1) {
      throw new BadParameter("limit", "The query parameter 'limit' must be at least 1.");
    }
    int limit = (int) Math.min(MAX_LIMIT, requested);
    List<StoredEvent> page = events.read(stream, after, limit);
    StringBuilder json = new StringBuilder(256 + page.size() * 128);
    json.append("{\"stream\":\"").append(stream.value()).append("\",\"lastSeq\":");
    json.append(events.lastSeq(stream)).append(",\"events\":[");
    for (int i = 0; i < page.size(); i++) {
      if (i > 0) {
        json.append(',');
      }
      json.append(page.get(i).toJson());
    }
    json.append("]}");
    ctx.contentType("application/json").result(json.toString());
  }

  private static StreamName streamParam(Context ctx) {
    String stream = ctx.queryParam("stream");
    if (stream == null || stream.isBlank()) {
      throw new BadParameter("stream", "The query parameter 'stream' is required.");
    }
    return StreamName.parse(stream);
  }

  private static long resumePoint(Context ctx) {
    String lastEventId = ctx.header("Last-Event-ID");
    if (lastEventId != null && !lastEventId.isBlank()) {
      try {
        long seq = Long.parseLong(lastEventId.trim());
        if (seq >= 0) {
          return seq;
        }
      } catch (NumberFormatException e) {
        // falls through to the error below
      }
      throw new BadParameter("Last-Event-ID", "Last-Event-ID must be a seq (a whole number >= 0).");
    }
    return longParam(ctx, "afterSeq", 0);
  }

  private static long longParam(Context ctx, String name, long fallback) {
    String text = ctx.queryParam(name);
    if (text == null || text.isBlank()) {
      return fallback;
    }
    try {
      long value = Long.parseLong(text.trim());
      if (value >= 0) {
        return value;
      }
    } catch (NumberFormatException e) {
      // falls through to the error below
    }
    throw new BadParameter(name, "The query parameter '" + name + "' must be a whole number >= 0.");
  }

  /** An SSE request that does not accept {@code text/event-stream}. */
  static final class NotAcceptable extends CapstanException {
    private static final long serialVersionUID = 1L;

    NotAcceptable() {
      super(
          ErrorCode.NOT_ACCEPTABLE,
          "This route streams Server-Sent Events.",
          "Send Accept: text/event-stream (EventSource does), or poll GET /api/events.");
    }
  }

  /** A query parameter or header with a bad value. */
  static final class BadParameter extends CapstanException {
    private static final long serialVersionUID = 1L;

    BadParameter(String name, String message) {
      super(ErrorCode.BAD_REQUEST, message, "Fix '" + name + "' and retry.");
    }
  }
}
