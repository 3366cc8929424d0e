package dev.capstan.llm;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * An incremental parser of a {@code text/event-stream} body, fed bytes as they arrive in chunks of
 * any size.
 *
 * <p>Lines end with LF, CRLF or CR (a CR at the end of one chunk and an LF at the start of the next
 * are one line end). Lines are split on bytes before decoding, so a UTF-8 character cut between two
 * chunks is decoded whole. {@code :} starts a comment line (ignored), {@code event:} names the
 * event, {@code data:} lines accumulate (joined with {@code \n}), {@code id:} and {@code retry:}
 * and unknown fields are ignored, and a blank line dispatches the event (one without data lines is
 * not dispatched). At the end of the body, data still pending is dispatched too: some servers close
 * the stream without the final blank line.
 *
 * <p>Confined to one thread at a time (the thread delivering the body).
 */
final class SseParser {
  /** Longest line accepted; a longer one is a broken stream, not an answer. */
  static final int MAX_LINE_BYTES = 8 * 1024 * 1024;

  private final Consumer<SseEvent> sink;
  private final ByteArrayOutputStream line = new ByteArrayOutputStream(256);
  private final StringBuilder data = new StringBuilder();
  private boolean hasData;
  private String eventName = "";
  private boolean lastWasCr;

  /**
   * A parser that hands each dispatched event to {@code sink}.
   *
   * @param sink receives events in order; may throw to abort parsing
   */
  SseParser(Consumer<SseEvent> sink) {
    this.sink = sink;
  }

  /**
   * Feeds the next bytes of the body.
   *
   * @throws SseFormatException when a line exceeds {@link #MAX_LINE_BYTES}
   */
  void feed(byte[] bytes, int offset, int length) {
    for (int i = offset; i < offset + length; i++) {
      byte b = bytes[i];
      if (b == '\n') {
        if (lastWasCr) {
          lastWasCr = false;
          continue;
        }
        endLine();
      } else if (b == '\r') {
        lastWasCr = true;
        endLine();
      } else {
        lastWasCr = false;
        if (line.size() >= MAX_LINE_BYTES) {
          throw new SseFormatException(
              "a line of the event stream is longer than " + MAX_LINE_BYTES + " bytes");
        }
        line.write(b);
      }
    }
  }

  /** Feeds a whole array. */
  void feed(byte[] bytes) {
    feed(bytes, 0, bytes.length);
  }

  /** The body ended: a last unterminated line is processed and pending data is dispatched. */
  void finish() {
    if (line.size() > 0) {
      endLine();
    }
    dispatch();
  }

  private void endLine() {
    String text = line.toString(StandardCharsets.UTF_8);
    line.reset();
    if (text.isEmpty()) {
      dispatch();
      return;
    }
    if (text.charAt(0) == ':') {
      return;
    }
    int colon = text.indexOf(':');
    String field = colon < 0 ? text : text.substring(0, colon);
    String value = colon < 0 ? "" : text.substring(colon + 1);
    if (value.startsWith(" ")) {
      value = value.substring(1);
    }
    switch (field) {
      case "data" -> {
        if (hasData) {
          data.append('\n');
        }
        data.append(value);
        hasData = true;
      }
      case "event" -> eventName = value;
      default -> {
        // id, retry and unknown fields carry nothing an LLM stream needs.
      }
    }
  }

  private void dispatch() {
    if (hasData) {
      SseEvent event = new SseEvent(eventName.isEmpty() ? "message" : eventName, data.toString());
      data.setLength(0);
      hasData = false;
      eventName = "";
      sink.accept(event);
    } else {
      eventName = "";
    }
  }

  /** The event stream is malformed beyond tolerance. */
  static final class SseFormatException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    SseFormatException(String message) {
      super(message);
    }
  }
}
