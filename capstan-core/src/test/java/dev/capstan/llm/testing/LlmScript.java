package dev.capstan.llm.testing;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.capstan.json.Json;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the {@link ScriptedLlmServer} answers to one {@code POST /chat/completions}: an HTTP status
 * with a body, a closed connection, or a stream of Server-Sent Events with pauses, stalls and an
 * abrupt drop where the script says.
 *
 * <pre>{@code
 * server.enqueue(LlmScript.stream().text("Hel").text("lo").finish("stop").usage(12, 2).done());
 * server.enqueue(LlmScript.stream().toolCall("call_1", "read_file", "{\"path\":\"a.txt\"}", 4)
 *     .finish("tool_calls").done());
 * server.enqueue(LlmScript.status(503, "{\"error\":{\"message\":\"busy\"}}"));
 * }</pre>
 *
 * <p>Builders are confined to the test thread; a finished script is only read afterwards.
 */
public final class LlmScript {
  /** One step of a streamed answer. */
  sealed interface Step {
    /** Bytes written as they are. */
    record Bytes(byte[] bytes) implements Step {}

    /** A pause before the next step. */
    record Pause(Duration duration) implements Step {}

    /** Waits until the server releases stalls or closes. */
    record Stall() implements Step {}

    /** Cuts the connection without finishing the body. */
    record Drop() implements Step {}
  }

  private final int status;
  private final String body;
  private final Map<String, String> headers = new LinkedHashMap<>();
  private final List<Step> steps = new ArrayList<>();
  private final boolean hangUp;
  private final String model;

  private LlmScript(int status, String body, boolean hangUp, String model) {
    this.status = status;
    this.body = body;
    this.hangUp = hangUp;
    this.model = model;
  }

  /** A streamed answer (status 200, {@code text/event-stream}); add steps to it. */
  public static LlmScript stream() {
    return new LlmScript(200, "", false, "test-model");
  }

  /** An error status with this body ({@code application/json}). */
  public static LlmScript status(int status, String body) {
    return new LlmScript(status, body, false, "test-model");
  }

  /** The connection is closed without any answer. */
  public static LlmScript closeWithoutAnswer() {
    return new LlmScript(0, "", true, "test-model");
  }

  /** A whole answer: the text in pieces of 4 characters, stop, usage, [DONE]. */
  public static LlmScript reply(String text) {
    LlmScript script = stream();
    for (int i = 0; i < text.length(); i += 4) {
      script.text(text.substring(i, Math.min(text.length(), i + 4)));
    }
    return script.finish("stop").usage(10, Math.max(1, text.length() / 4)).done();
  }

  /** A whole answer that calls one tool (arguments in pieces of 5 characters). */
  public static LlmScript callTool(String id, String name, String arguments) {
    return stream().toolCall(0, id, name, arguments, 5).finish("tool_calls").usage(20, 5).done();
  }

  /** Adds a response header. */
  public LlmScript header(String name, String value) {
    headers.put(name, value);
    return this;
  }

  /** Writes {@code text} exactly as given (for malformed streams, CRLF, odd fields). */
  public LlmScript raw(String text) {
    steps.add(new Step.Bytes(text.getBytes(StandardCharsets.UTF_8)));
    return this;
  }

  /** Writes raw bytes (for split UTF-8 and garbage). */
  public LlmScript rawBytes(byte[] bytes) {
    steps.add(new Step.Bytes(bytes.clone()));
    return this;
  }

  /** Writes {@code data: <json>} and a blank line. */
  public LlmScript chunk(String json) {
    return raw("data: " + json + "\n\n");
  }

  /** An SSE comment line ({@code : text}), as servers send for keep-alive. */
  public LlmScript comment(String text) {
    return raw(": " + text + "\n\n");
  }

  /** A text delta. */
  public LlmScript text(String text) {
    ObjectNode delta = Json.mapper().createObjectNode().put("content", text);
    return chunk(choice(delta, null).toString());
  }

  /** A reasoning delta ({@code reasoning_content}). */
  public LlmScript reasoning(String text) {
    ObjectNode delta = Json.mapper().createObjectNode().put("reasoning_content", text);
    return chunk(choice(delta, null).toString());
  }

  /**
   * A tool call streamed the common way: a first piece with index, id and name, then the arguments
   * in pieces of {@code pieceSize} characters with the index only.
   */
  public LlmScript toolCall(int index, String id, String name, String arguments, int pieceSize) {
    ObjectNode first = Json.mapper().createObjectNode();
    ArrayNode calls = first.putArray("tool_calls");
    ObjectNode call = calls.addObject().put("index", index).put("id", id).put("type", "function");
    call.putObject("function").put("name", name).put("arguments", "");
    chunk(choice(first, null).toString());
    for (int i = 0; i < arguments.length(); i += pieceSize) {
      ObjectNode delta = Json.mapper().createObjectNode();
      delta
          .putArray("tool_calls")
          .addObject()
          .put("index", index)
          .putObject("function")
          .put("arguments", arguments.substring(i, Math.min(arguments.length(), i + pieceSize)));
      chunk(choice(delta, null).toString());
    }
    return this;
  }

  /** A whole tool call in one piece without an index (as some servers send). */
  public LlmScript wholeToolCall(String id, String name, String arguments) {
    ObjectNode delta = Json.mapper().createObjectNode();
    ObjectNode call =
        delta.putArray("tool_calls").addObject().put("id", id).put("type", "function");
    call.putObject("function").put("name", name).put("arguments", arguments);
    return chunk(choice(delta, null).toString());
  }

  /** A chunk with an empty delta and this {@code finish_reason}. */
  public LlmScript finish(String reason) {
    return chunk(choice(Json.mapper().createObjectNode(), reason).toString());
  }

  /** The usage chunk: empty {@code choices} and {@code usage}. */
  public LlmScript usage(long promptTokens, long completionTokens) {
    ObjectNode chunk = Json.mapper().createObjectNode().put("id", "chatcmpl-1");
    chunk.put("object", "chat.completion.chunk").put("model", model);
    chunk.putArray("choices");
    chunk
        .putObject("usage")
        .put("prompt_tokens", promptTokens)
        .put("completion_tokens", completionTokens)
        .put("total_tokens", promptTokens + completionTokens);
    return chunk(chunk.toString());
  }

  /** An error object inside the stream. */
  public LlmScript streamError(String message) {
    ObjectNode error = Json.mapper().createObjectNode();
    error.putObject("error").put("message", message).put("type", "server_error");
    return chunk(error.toString());
  }

  /** {@code data: [DONE]}. */
  public LlmScript done() {
    return raw("data: [DONE]\n\n");
  }

  /** Waits {@code duration} before the next step. */
  public LlmScript pause(Duration duration) {
    steps.add(new Step.Pause(duration));
    return this;
  }

  /** Sends nothing more until the server releases stalls or closes. */
  public LlmScript stall() {
    steps.add(new Step.Stall());
    return this;
  }

  /** Cuts the connection here, without ending the body. */
  public LlmScript drop() {
    steps.add(new Step.Drop());
    return this;
  }

  int statusCode() {
    return status;
  }

  String body() {
    return body;
  }

  boolean hangUp() {
    return hangUp;
  }

  Map<String, String> headers() {
    return Map.copyOf(headers);
  }

  List<Step> steps() {
    return List.copyOf(steps);
  }

  boolean drops() {
    return steps.stream().anyMatch(step -> step instanceof Step.Drop);
  }

  private ObjectNode choice(ObjectNode delta, String finishReason) {
    ObjectNode chunk = Json.mapper().createObjectNode().put("id", "chatcmpl-1");
    chunk.put("object", "chat.completion.chunk").put("model", model);
    ObjectNode choice = chunk.putArray("choices").addObject().put("index", 0);
    choice.set("delta", Objects.requireNonNull(delta));
    if (finishReason == null) {
      choice.putNull("finish_reason");
    } else {
      choice.put("finish_reason", finishReason);
    }
    return chunk;
  }
}
