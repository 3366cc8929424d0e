package dev.capstan.tool;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.capstan.json.Json;
import dev.capstan.llm.ToolCall;
import dev.capstan.llm.ToolDefinition;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The tools an agent may call, by name.
 *
 * <p>Immutable and thread-safe.
 */
public final class ToolRegistry {
  private final Map<String, Tool> byName;

  /**
   * A registry of {@code tools}.
   *
   * @throws IllegalArgumentException when two tools share a name
   */
  public ToolRegistry(List<? extends Tool> tools) {
    Map<String, Tool> map = new LinkedHashMap<>();
    for (Tool tool : tools) {
      if (map.putIfAbsent(tool.name(), tool) != null) {
        throw new IllegalArgumentException("two tools named " + tool.name());
      }
    }
    this.byName = java.util.Collections.unmodifiableMap(map);
  }

  /**
   * The built-in tools: {@code read_file}, {@code list_dir}, {@code search}, {@code write_file},
   * {@code edit_file}, {@code run_command}, {@code git_status}, {@code git_diff}.
   */
  public static ToolRegistry builtin() {
    return new ToolRegistry(BuiltinTools.all());
  }

  /** Every tool, in registration order. */
  public List<Tool> all() {
    return List.copyOf(byName.values());
  }

  /** The tool named {@code name}, if any. */
  public Optional<Tool> find(String name) {
    return Optional.ofNullable(byName.get(name));
  }

  /** The tools as offered to the model. */
  public List<ToolDefinition> definitions() {
    return byName.values().stream().map(Tool::definition).toList();
  }

  /**
   * Every tool with its effective policy.
   *
   * @param configured policies from the configuration
   * @param sessionOverrides overrides of one session (empty for none)
   */
  public List<ToolDescription> describe(
      Map<String, ToolPolicy> configured, Map<String, ToolPolicy> sessionOverrides) {
    List<ToolDescription> out = new ArrayList<>();
    for (Tool tool : byName.values()) {
      out.add(
          new ToolDescription(
              tool.name(),
              tool.description(),
              tool.schema(),
              tool.risk(),
              ToolPolicies.effectivePolicy(tool, configured, sessionOverrides)));
    }
    return List.copyOf(out);
  }

  /**
   * Runs {@code call}: finds the tool, parses its arguments and runs it. Does not check the policy;
   * the caller does that first. An unknown tool or arguments that are not a JSON object give an
   * error result for the model, never an exception.
   */
  public ToolResult invoke(ToolCall call, ToolContext context) {
    Tool tool = byName.get(call.name());
    if (tool == null) {
      return ToolResult.error(
          "Unknown tool '" + call.name() + "'. Available tools: " + String.join(", ", names()));
    }
    Optional<JsonNode> arguments = parseArguments(call.arguments());
    if (arguments.isEmpty()) {
      return ToolResult.error(
          "The arguments of "
              + call.name()
              + " are not a JSON object: "
              + ToolPreview.cut(call.arguments(), 200));
    }
    if (context.cancel().isCancelled()) {
      return new ToolResult(ToolOutcome.CANCELLED, "Cancelled before it started.", false);
    }
    return tool.run(context, arguments.get());
  }

  /** The names of all tools. */
  public List<String> names() {
    return List.copyOf(byName.keySet());
  }

  /**
   * Parses tool-call arguments: a JSON object, with blank text meaning {@code {}}.
   *
   * @return the object, or empty when the text is not a JSON object
   */
  public static Optional<JsonNode> parseArguments(String arguments) {
    if (arguments.isBlank()) {
      return Optional.of(Json.mapper().createObjectNode());
    }
    try {
      JsonNode node = Json.mapper().readTree(arguments);
      return node != null && node.isObject() ? Optional.of(node) : Optional.empty();
    } catch (JsonProcessingException e) {
      return Optional.empty();
    }
  }
}
