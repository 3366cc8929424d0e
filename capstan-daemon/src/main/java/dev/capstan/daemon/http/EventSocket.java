package dev.capstan.daemon.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.capstan.approval.Approval;
import dev.capstan.error.CapstanException;
import dev.capstan.error.ErrorCode;
import dev.capstan.event.EventLog;
import dev.capstan.event.InvalidStream;
import dev.capstan.event.StoredEvent;
import dev.capstan.event.StreamName;
import dev.capstan.event.Subscription;
import dev.capstan.json.Json;
import dev.capstan.session.Sessions;
import io.javalin.websocket.WsContext;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.eclipse.jetty.websocket.api.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One WebSocket connection on {@code /api/ws}: subscribe / unsubscribe / ping frames in, event /
 * ack / error / pong / overflow frames out. Bad frames get an error frame; abuse closes the
 * connection with a documented code; other connections are unaffected.
 *
 * <p>Thread-safe: frames arrive on Jetty's thread, events on one pump thread per subscription;
 * sends are serialised and each waits for the socket, so a slow client slows only its own pumps.
 */
final class EventSocket {
  private static final Logger log = LoggerFactory.getLogger(EventSocket.class);

  /** Most subscriptions one connection may hold. */
  static final int MAX_SUBSCRIPTIONS = 256;

  /** Most frames per second a client may send before it is disconnected. */
  static final int MAX_FRAMES_PER_SECOND = 200;

  /** Close code for a client that floods the server with frames. */
  static final int CLOSE_RATE_LIMITED = 4008;

  private static final long SEND_TIMEOUT_SECONDS = 60;

  private final WsContext ws;
  private final EventLog events;
  private final Sessions sessions;
  private final Map<StreamName, Forward> subscriptions = new ConcurrentHashMap<>();
  private final ReentrantLock sendLock = new ReentrantLock();
  private long windowStartNanos = System.nanoTime();
  private int framesInWindow;
  private volatile boolean closed;

  EventSocket(WsContext ws, EventLog events, Sessions sessions) {
    this.ws = ws;
    this.events = events;
    this.sessions = sessions;
  }

  /** Handles one text frame from the client. Called on Jetty's thread, one at a time. */
  void onFrame(String text) {
    if (overRateLimit()) {
      ws.closeSession(CLOSE_RATE_LIMITED, "too many frames; slow down and reconnect");
      return;
    }
    JsonNode frame;
    try {
      frame = Json.mapper().readTree(text);
    } catch (IOException e) {
      sendError(null, ErrorCode.INVALID_JSON, "The frame is not valid JSON.");
      return;
    }
    if (frame == null || !frame.isObject() || !frame.path("type").isTextual()) {
      sendError(null, ErrorCode.BAD_REQUEST, "A frame is a JSON object with a \"type\".");
      return;
    }
    String id = frame.path("id").isValueNode() ? frame.path("id").asText() : null;
    switch (frame.path("type").asText()) {
      case "subscribe" -> subscribe(id, frame);
      case "unsubscribe" -> unsubscribe(id, frame);
      case "ping" -> send(reply("pong", id));
      case "decide" -> decide(id, frame);
      default ->
          sendError(
              id,
              ErrorCode.UNKNOWN_FRAME,
              "Unknown frame type '"
                  + frame.path("type").asText()
                  + "'; use subscribe, unsubscribe, ping or decide.");
    }
  }

  private void subscribe(String id, JsonNode frame) {
    StreamName stream;
    try {
      stream = StreamName.parse(frame.path("stream").asText(""));
    } catch (InvalidStream e) {
      sendError(id, e.code(), e.getMessage());
      return;
    }
    JsonNode after = frame.path("afterSeq");
    if (!after.isMissingNode()
        && !(after.isIntegralNumber() && after.canConvertToLong() && after.asLong() >= 0)) {
      sendError(id, ErrorCode.BAD_REQUEST, "afterSeq must be a whole number >= 0.");
      return;
    }
    if (subscriptions.containsKey(stream)) {
      sendError(id, ErrorCode.CONFLICT, "Already subscribed to " + stream + "; unsubscribe first.");
      return;
    }
    if (subscriptions.size() >= MAX_SUBSCRIPTIONS) {
      sendError(
          id,
          ErrorCode.TOO_MANY_SUBSCRIPTIONS,
          "A connection may hold at most " + MAX_SUBSCRIPTIONS + " subscriptions.");
      return;
    }
    send(reply("ack", id));
    Forward forward = new Forward(stream);
    subscriptions.put(stream, forward);
    forward.start(after.asLong(0));
  }

  private void unsubscribe(String id, JsonNode frame) {
    StreamName stream;
    try {
      stream = StreamName.parse(frame.path("stream").asText(""));
    } catch (InvalidStream e) {
      sendError(id, e.code(), e.getMessage());
      return;
    }
    Forward forward = subscriptions.remove(stream);
    if (forward == null) {
      sendError(id, ErrorCode.NOT_FOUND, "Not subscribed to " + stream + ".");
      return;
    }
    forward.cancel();
    // why: the ack goes out under the send lock after the cancel, so no event of this
    // subscription can follow it.
    send(reply("ack", id));
  }

  /**
   * Answers a permission request: {@code {"type":"decide","id","approvalId","decision":
   * "approve|deny","reason"?,"scope"?:"once|session"}}. The reply is {@code {"type":"decided","id",
   * "approval":{…}}} or an error frame ({@code NOT_FOUND}, {@code ALREADY_RESOLVED}, {@code
   * BAD_REQUEST}).
   */
  private void decide(String id, JsonNode frame) {
    String approvalId = frame.path("approvalId").asText("");
    if (approvalId.isBlank()) {
      sendError(id, ErrorCode.BAD_REQUEST, "A decide frame needs an \"approvalId\".");
      return;
    }
    try {
      Approval decided =
          sessions.decide(
              approvalId,
              SessionRoutes.verdict(
                  textOrNull(frame, "decision"),
                  textOrNull(frame, "scope"),
                  textOrNull(frame, "reason"),
                  textOrNull(frame, "by"),
                  "ws"));
      ObjectNode reply = reply("decided", id);
      reply.set("approval", Json.mapper().valueToTree(decided));
      send(reply);
    } catch (CapstanException e) {
      sendError(id, e.code(), e.getMessage());
    }
  }

  private static String textOrNull(JsonNode frame, String field) {
    JsonNode value = frame.path(field);
    return value.isTextual() ? value.asText() : null;
  }

  /** Ends every subscription; the connection is gone. */
  void onClose() {
    closed = true;
    subscriptions.values().forEach(Forward::cancel);
    subscriptions.clear();
  }

  /** Ends the subscriptions and closes the connection with 1001 (going away). */
  void goingAway() {
    onClose();
    ws.closeSession(1001, "the daemon is stopping; reconnect and resume");
  }

  private boolean overRateLimit() {
    long now = System.nanoTime();
    if (now - windowStartNanos > TimeUnit.SECONDS.toNanos(1)) {
      windowStartNanos = now;
      framesInWindow = 0;
    }
    return ++framesInWindow > MAX_FRAMES_PER_SECOND;
  }

  private ObjectNode reply(String type, String id) {
    ObjectNode node = Json.mapper().createObjectNode().put("type", type);
    if (id != null) {
      node.put("id", id);
    }
    return node;
  }

  private void sendError(String id, ErrorCode code, String message) {
    send(reply("error", id).put("code", code.name()).put("message", message));
  }

  private void send(ObjectNode frame) {
    sendText(frame.toString(), null);
  }

  /**
   * Sends one frame and waits until the socket took it (backpressure for slow clients). A frame
   * {@code from} a subscription that was cancelled meanwhile is dropped.
   */
  private void sendText(String text, Forward from) {
    if (closed) {
      throw new IllegalStateException("connection closed");
    }
    sendLock.lock();
    try {
      if (from != null && from.cancelled) {
        return;
      }
      Callback.Completable done = new Callback.Completable();
      ws.session.sendText(text, done);
      done.get(SEND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while sending", e);
    } catch (Exception e) {
      throw new IllegalStateException("sending to the client failed: " + e.getMessage(), e);
    } finally {
      sendLock.unlock();
    }
  }

  /** Forwards one subscription's events to this connection. */
  private final class Forward implements Subscription.Sink {
    private final StreamName stream;
    private volatile Subscription subscription;
    private volatile boolean cancelled;

    Forward(StreamName stream) {
      this.stream = stream;
    }

    /** Starts the subscription; call it once this sink is in the map. */
    void start(long afterSeq) {
      subscription = events.subscribe(stream, afterSeq, this);
    }

    /** Stops the subscription; nothing it sends afterwards reaches the client. */
    void cancel() {
      cancelled = true;
      Subscription own = subscription;
      if (own != null) {
        own.close();
      }
    }

    @Override
    public void event(StoredEvent event) {
      sendText("{\"type\":\"event\",\"event\":" + event.toJson() + "}", this);
    }

    @Override
    public void overflow(StreamName overflowed, long lastSeq) {
      sendText(
          "{\"type\":\"overflow\",\"stream\":\""
              + overflowed.value()
              + "\",\"lastSeq\":"
              + lastSeq
              + "}",
          this);
    }

    @Override
    public void ended() {
      // Race: after an unsubscribe the client may already hold a new subscription to this
      // stream; remove only this one. See
      // EventSocketTest#a_stream_can_be_subscribed_again_after_unsubscribe
      subscriptions.remove(stream, this);
      log.debug("subscription ended stream={} session={}", stream, ws.sessionId());
    }
  }
}
