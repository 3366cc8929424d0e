package dev.capstan.llm;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/**
 * A tool offered to the model, sent as {@code {"type":"function","function":{name, description,
 * parameters}}}.
 *
 * @param name the tool's name
 * @param description what it does, for the model
 * @param parameters the JSON schema of its arguments (an object schema); treat as read-only
 */
public record ToolDefinition(String name, String description, JsonNode parameters) {
  public ToolDefinition {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(description, "description");
    Objects.requireNonNull(parameters, "parameters");
    if (name.isBlank()) {
      throw new IllegalArgumentException("name must not be blank");
    }
  }
}
