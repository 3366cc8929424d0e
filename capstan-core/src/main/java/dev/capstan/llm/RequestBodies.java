package dev.capstan.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.capstan.json.Json;
import java.util.ArrayList;
import java.util.List;

/**
 * The JSON bodies Capstan sends and the model lists it reads, in the chat completions dialect.
 *
 * <p>Thread-safe (stateless).
 */
final class RequestBodies {
  private RequestBodies() {}

  /**
   * The body of a streaming chat completion.
   *
   * @param includeUsage whether to ask for usage with {@code stream_options}
   */
  static ObjectNode chat(ChatRequest request, String model, boolean includeUsage) {
    ObjectNode body = Json.mapper().createObjectNode();
    body.put("model", model);
    ArrayNode messages = body.putArray("messages");
    for (ChatMessage message : request.messages()) {
      messages.add(message(message));
    }
    body.put("stream", true);
    if (includeUsage) {
      body.putObject("stream_options").put("include_usage", true);
    }
    if (!request.tools().isEmpty()) {
      ArrayNode tools = body.putArray("tools");
      for (ToolDefinition tool : request.tools()) {
        ObjectNode function = tools.addObject().put("type", "function").putObject("function");
        function.put("name", tool.name());
        function.put("description", tool.description());
        function.set("parameters", tool.parameters());
      }
    }
    request.temperature().ifPresent(value -> body.put("temperature", value));
    request.maxTokens().ifPresent(value -> body.put("max_tokens", value));
    return body;
  }

  private static ObjectNode message(ChatMessage message) {
    ObjectNode node = Json.mapper().createObjectNode().put("role", message.role());
    switch (message) {
      case ChatMessage.System system -> node.put("content", system.content());
      case ChatMessage.User user -> node.put("content", user.content());
      case ChatMessage.Assistant assistant -> {
        node.put("content", assistant.content());
        if (!assistant.toolCalls().isEmpty()) {
          ArrayNode calls = node.putArray("tool_calls");
          for (ToolCall call : assistant.toolCalls()) {
            ObjectNode entry = calls.addObject().put("id", call.id()).put("type", "function");
            entry.putObject("function").put("name", call.name()).put("arguments", call.arguments());
          }
        }
      }
      case ChatMessage.ToolResult result -> {
        node.put("tool_call_id", result.toolCallId());
        node.put("name", result.name());
        node.put("content", result.content());
      }
    }
    return node;
  }

  /**
   * The model ids of a {@code /models} answer: {@code {"data":[{"id":...}]}}, or Ollama's {@code
   * {"models":[{"name":...}]}}, or a bare array.
   *
   * @throws IllegalArgumentException when it is none of these
   */
  static List<String> modelIds(JsonNode body) {
    JsonNode list =
        body.isArray() ? body : body.has("data") ? body.get("data") : body.path("models");
    if (!list.isArray()) {
      throw new IllegalArgumentException("no model list (expected {\"data\":[...]})");
    }
    List<String> ids = new ArrayList<>();
    for (JsonNode entry : list) {
      String id =
          entry.isTextual()
              ? entry.asText()
              : entry.hasNonNull("id") ? entry.get("id").asText() : entry.path("name").asText("");
      if (!id.isBlank()) {
        ids.add(id);
      }
    }
    return List.copyOf(ids);
  }
}
