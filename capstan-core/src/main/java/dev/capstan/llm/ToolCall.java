package dev.capstan.llm;

import java.util.Objects;

/**
 * A tool call requested by the model.
 *
 * @param id the call id the server assigned (or one Capstan made up when the server sent none); a
 *     tool result answers it by this id
 * @param name the tool's name
 * @param arguments the arguments as JSON text, {@code "{}"} when the server sent none; not
 *     guaranteed to be valid JSON (models make mistakes)
 */
public record ToolCall(String id, String name, String arguments) {
  public ToolCall {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(arguments, "arguments");
  }
}
