package dev.capstan.tool;

import com.fasterxml.jackson.databind.JsonNode;
import dev.capstan.llm.ToolDefinition;

/**
 * A named, schema-described operation an agent may call inside its workspace.
 *
 * <p>Contract: {@link #run} never leaves the workspace (paths that escape it, by {@code ..}, an
 * absolute path or a symlink, are refused), respects the {@link ToolLimits}, stops promptly when
 * the {@link CancelToken} fires, and reports every failure as a {@link ToolResult} with a message
 * the model can act on rather than throwing. Policy (allow / ask / deny) is decided by the caller
 * before {@code run}, with {@link ToolPolicies#effectivePolicy}.
 *
 * <p>Implementations are immutable and thread-safe.
 */
public interface Tool {

  /** The name the model calls it by, for example {@code read_file}. */
  String name();

  /** What it does, for the model and for {@code capstan tools list}. */
  String description();

  /** The JSON schema of its arguments (an object schema). Read-only. */
  JsonNode schema();

  /** How much harm it can do. */
  RiskClass risk();

  /**
   * Runs the tool.
   *
   * @param context the workspace, limits and cancel signal
   * @param arguments the arguments, a JSON object (already parsed)
   * @return what happened, for the model
   */
  ToolResult run(ToolContext context, JsonNode arguments);

  /** This tool as offered to the model. */
  default ToolDefinition definition() {
    return new ToolDefinition(name(), description(), schema());
  }
}
