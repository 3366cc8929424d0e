package dev.capstan.llm;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.capstan.error.ErrorCode;
import dev.capstan.json.Json;
import java.util.List;
import java.util.Optional;

/**
 * Turns the events of a streamed chat completion into listener callbacks and, at the end, a result.
 *
 * <p>Tolerates what OpenAI-compatible servers do differently: no {@code usage}, or usage in a last
 * chunk with empty {@code choices}; {@code finish_reason} variants, null or absent; {@code
 * reasoning_content} / {@code reasoning} deltas (reported apart from the text); a stream that ends
 * without {@code [DONE]} once a finish reason was seen; {@code event:} names other than {@code
 * message} (an {@code error} event is an error). An {@code {"error":...}} object inside the stream,
 * a chunk that is not JSON, or a stream that ends before any finish reason or {@code [DONE]} fails
 * with {@link ErrorCode#LLM_ERROR} (or {@link ErrorCode#NO_MODEL_LOADED} when the server says the
 * model is missing).
 *
 * <p>Confined to one thread.
 */
final class StreamDecoder {
  private final StreamListener listener;
  private final ToolCallAssembler toolCalls;
  private final String serverName;
  private final StringBuilder text = new StringBuilder();
  private final StringBuilder reasoning = new StringBuilder();
  private String model = "";
  private FinishReason finishReason = FinishReason.UNKNOWN;
  private boolean sawFinish;
  private boolean done;
  private boolean firstToken;
  private Optional<Usage> usage = Optional.empty();

  /**
   * A decoder.
   *
   * @param listener receives deltas and completed tool calls
   * @param serverName how messages name the server (its base URL)
   */
  StreamDecoder(StreamListener listener, String serverName) {
    this.listener = listener;
    this.serverName = serverName;
    this.toolCalls = new ToolCallAssembler(this::deliverToolCall);
  }

  /**
   * Handles one event.
   *
   * @throws LlmException on an error object or a malformed chunk
   */
  void accept(SseEvent event) {
    if (done) {
      return;
    }
    String data = event.data().strip();
    if (data.equals("[DONE]")) {
      done = true;
      return;
    }
    if (data.isEmpty()) {
      return;
    }
    JsonNode chunk;
    try {
      chunk = Json.mapper().readTree(data);
    } catch (JsonProcessingException e) {
      throw failure(
          ErrorCode.LLM_ERROR,
          "The LLM server at " + serverName + " sent a chunk that is not JSON: " + excerpt(data),
          null);
    }
    if (chunk == null || !chunk.isObject()) {
      throw failure(
          ErrorCode.LLM_ERROR,
          "The LLM server at "
              + serverName
              + " sent a chunk that is not a JSON object: "
              + excerpt(data),
          null);
    }
    if (chunk.has("error") || event.event().equals("error")) {
      JsonNode error = chunk.has("error") ? chunk.get("error") : chunk;
      String message = ErrorMessages.of(error);
      throw failure(
          ErrorMessages.looksLikeMissingModel(message)
              ? ErrorCode.NO_MODEL_LOADED
              : ErrorCode.LLM_ERROR,
          "The LLM server at " + serverName + " reported an error mid-stream: " + message,
          null);
    }
    if (chunk.hasNonNull("model") && chunk.get("model").isTextual()) {
      model = chunk.get("model").asText();
    }
    JsonNode usageNode = chunk.get("usage");
    if (usageNode != null && usageNode.isObject()) {
      usage = parseUsage(usageNode);
    }
    JsonNode choices = chunk.get("choices");
    if (choices == null || !choices.isArray()) {
      return;
    }
    for (JsonNode choice : choices) {
      if (choice.path("index").asInt(0) != 0) {
        continue;
      }
      JsonNode delta = choice.has("delta") ? choice.get("delta") : choice.path("message");
      if (delta.isObject()) {
        acceptDelta(delta);
      }
      JsonNode finish = choice.get("finish_reason");
      if (finish != null && !finish.isNull() && finish.isTextual()) {
        finishReason = FinishReason.fromWire(finish.asText());
        sawFinish = true;
      }
    }
  }

  private void acceptDelta(JsonNode delta) {
    String content = textOf(delta.get("content"));
    if (!content.isEmpty()) {
      firstToken = true;
      text.append(content);
      listener.onText(content);
    }
    String thinking = textOf(delta.get("reasoning_content"));
    if (thinking.isEmpty()) {
      thinking = textOf(delta.get("reasoning"));
    }
    if (!thinking.isEmpty()) {
      firstToken = true;
      reasoning.append(thinking);
      listener.onReasoning(thinking);
    }
    JsonNode calls = delta.get("tool_calls");
    if (calls != null && !calls.isNull()) {
      firstToken = true;
      toolCalls.accept(calls);
    }
    JsonNode functionCall = delta.get("function_call");
    if (functionCall != null && functionCall.isObject()) {
      firstToken = true;
      toolCalls.acceptFunctionCall(functionCall);
    }
  }

  /** Whether any text, reasoning or tool-call delta has arrived. */
  boolean sawFirstToken() {
    return firstToken;
  }

  /** Whether the body ended (or would end now) before {@code [DONE]} or a finish reason. */
  boolean endedEarly() {
    return !done && !sawFinish;
  }

  /** Whether the answer is over ({@code [DONE]}). */
  boolean isDone() {
    return done;
  }

  /**
   * The body ended: the result, or an error when it ended before the answer did.
   *
   * @param requestedModel the model asked for, when the server named none
   * @param timings how long it took
   */
  ChatResult finish(String requestedModel, Timings timings) {
    if (!done && !sawFinish) {
      throw failure(
          ErrorCode.LLM_ERROR,
          "The LLM server at "
              + serverName
              + " closed the stream before the answer was complete"
              + (text.isEmpty() ? "" : " (after " + text.length() + " characters)"),
          null);
    }
    List<ToolCall> calls = toolCalls.finish();
    FinishReason reason = finishReason;
    if (!calls.isEmpty() && reason != FinishReason.LENGTH) {
      // why: some servers say "stop" (or nothing) after tool calls; the calls are what matters.
      reason = FinishReason.TOOL_CALLS;
    }
    return new ChatResult(
        model.isEmpty() ? requestedModel : model,
        text.toString(),
        reasoning.toString(),
        calls,
        reason,
        usage,
        timings);
  }

  private void deliverToolCall(ToolCall call) {
    listener.onToolCall(call);
  }

  private LlmException failure(ErrorCode code, String message, Throwable cause) {
    return new LlmException(
        code, message, ErrorMessages.hintFor(code, serverName), firstToken, cause);
  }

  private static Optional<Usage> parseUsage(JsonNode node) {
    long prompt = node.path("prompt_tokens").asLong(0);
    long completion = node.path("completion_tokens").asLong(0);
    long total = node.path("total_tokens").asLong(prompt + completion);
    if (prompt < 0 || completion < 0 || total < 0) {
      return Optional.empty();
    }
    return Optional.of(new Usage(prompt, completion, total));
  }

  private static String textOf(JsonNode node) {
    return node != null && node.isTextual() ? node.asText() : "";
  }

  static String excerpt(String text) {
    String flat = text.replaceAll("\\s+", " ").strip();
    return flat.length() <= 200 ? flat : flat.substring(0, 200) + "...";
  }
}
