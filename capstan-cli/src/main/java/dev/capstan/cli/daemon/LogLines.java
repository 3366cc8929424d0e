package dev.capstan.cli.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import dev.capstan.json.Json;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * Renders a JSON log line of {@code logs/daemon.log} for a person: {@code ts LEVEL msg key=value}.
 *
 * <p>Thread-safe (stateless).
 */
final class LogLines {
  private static final Set<String> FIXED =
      Set.of("ts", "level", "logger", "thread", "msg", "error");

  private LogLines() {}

  static String humanize(String line) {
    JsonNode node;
    try {
      node = Json.mapper().readTree(line);
    } catch (java.io.IOException e) {
      return line;
    }
    if (node == null || !node.isObject()) {
      return line;
    }
    StringBuilder text = new StringBuilder();
    text.append(node.path("ts").asText("")).append(' ');
    text.append(String.format("%-5s", node.path("level").asText(""))).append(' ');
    text.append(node.path("msg").asText(""));
    Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      if (!FIXED.contains(field.getKey())) {
        text.append(' ').append(field.getKey()).append('=').append(field.getValue().asText());
      }
    }
    if (node.hasNonNull("error")) {
      text.append('\n').append(node.get("error").asText());
    }
    return text.toString();
  }
}
