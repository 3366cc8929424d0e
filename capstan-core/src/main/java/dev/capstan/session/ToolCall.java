package dev.capstan.session;

import java.util.Objects;

/**
 * A tool call the model asked for.
 *
 * @param id the model's id of the call (answered by the tool message with the same id)
 * @param name the tool
 * @param arguments the arguments as the model wrote them (a JSON object, as text)
 */
public record ToolCall(String id, String name, String arguments) {
  public ToolCall {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(arguments, "arguments");
  }
}
