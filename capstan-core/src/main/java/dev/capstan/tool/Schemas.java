package dev.capstan.tool;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.capstan.json.Json;

/**
 * Small JSON schemas for tool arguments, and reading arguments against them.
 *
 * <p>Thread-safe (stateless).
 */
final class Schemas {
  private Schemas() {}

  /** An object schema of string properties; {@code required} names the mandatory ones. */
  static JsonNode strings(String[][] properties, String... required) {
    ObjectNode schema = Json.mapper().createObjectNode().put("type", "object");
    ObjectNode props = schema.putObject("properties");
    for (String[] property : properties) {
      props.putObject(property[0]).put("type", "string").put("description", property[1]);
    }
    var list = schema.putArray("required");
    for (String name : required) {
      list.add(name);
    }
    schema.put("additionalProperties", false);
    return schema;
  }

  /**
   * A string argument.
   *
   * @throws BadArguments when it is missing (and required) or not a string
   */
  static String string(JsonNode arguments, String name, String fallback) {
    JsonNode value = arguments.get(name);
    if (value == null || value.isNull()) {
      if (fallback == null) {
        throw new BadArguments("missing required argument '" + name + "'");
      }
      return fallback;
    }
    if (!value.isTextual()) {
      throw new BadArguments("argument '" + name + "' must be a string");
    }
    return value.asText();
  }

  /** Arguments that do not fit the schema; the message is for the model. */
  static final class BadArguments extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BadArguments(String message) {
      super(message, null, false, false);
    }
  }
}
