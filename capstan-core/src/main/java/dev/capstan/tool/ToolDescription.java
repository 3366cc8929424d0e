package dev.capstan.tool;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/**
 * A tool as {@code GET /api/tools} and {@code capstan tools list} show it.
 *
 * @param name its name
 * @param description what it does
 * @param schema the JSON schema of its arguments
 * @param risk read, write or command
 * @param policy the policy in effect and where it came from
 */
public record ToolDescription(
    String name, String description, JsonNode schema, RiskClass risk, EffectivePolicy policy) {
  public ToolDescription {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(description, "description");
    Objects.requireNonNull(schema, "schema");
    Objects.requireNonNull(risk, "risk");
    Objects.requireNonNull(policy, "policy");
  }
}
