package dev.capstan.llm;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * One chat completion request.
 *
 * <p>Immutable and thread-safe.
 *
 * @param model the model id; empty means the configured model, or when none is configured the first
 *     model the server lists
 * @param messages the conversation, oldest first; at least one
 * @param tools the tools offered to the model, possibly none
 * @param temperature sampling temperature, when not the server's default
 * @param maxTokens limit of generated tokens, when not the server's default
 */
public record ChatRequest(
    Optional<String> model,
    List<ChatMessage> messages,
    List<ToolDefinition> tools,
    OptionalDouble temperature,
    OptionalInt maxTokens) {
  public ChatRequest {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(temperature, "temperature");
    Objects.requireNonNull(maxTokens, "maxTokens");
    messages = List.copyOf(messages);
    tools = List.copyOf(tools);
    if (messages.isEmpty()) {
      throw new IllegalArgumentException("a chat request needs at least one message");
    }
    if (model.isPresent() && model.get().isBlank()) {
      model = Optional.empty();
    }
  }

  /** A request for the default model with these messages and tools. */
  public static ChatRequest of(List<ChatMessage> messages, List<ToolDefinition> tools) {
    return new ChatRequest(
        Optional.empty(), messages, tools, OptionalDouble.empty(), OptionalInt.empty());
  }

  /** This request for {@code model} (blank means the default). */
  public ChatRequest withModel(String model) {
    return new ChatRequest(Optional.of(model), messages, tools, temperature, maxTokens);
  }
}
