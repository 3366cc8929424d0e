package dev.capstan.daemon.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.capstan.tool.ToolDescription;
import java.util.List;

/**
 * The JSON shape of {@code GET /api/tools}: {@code name, description, risk, policy, policySource,
 * schema} with lower-case enum names.
 *
 * <p>Immutable and thread-safe.
 *
 * @param name the tool's name
 * @param description what it does
 * @param risk read, write or command
 * @param policy allow, ask or deny
 * @param policySource default, config or session
 * @param schema the JSON schema of its arguments
 */
record ToolViews(
    String name,
    String description,
    String risk,
    String policy,
    String policySource,
    JsonNode schema) {

  static List<ToolViews> of(List<ToolDescription> tools) {
    return tools.stream()
        .map(
            tool ->
                new ToolViews(
                    tool.name(),
                    tool.description(),
                    tool.risk().wireName(),
                    tool.policy().policy().wireName(),
                    tool.policy().source().wireName(),
                    tool.schema()))
        .toList();
  }
}
