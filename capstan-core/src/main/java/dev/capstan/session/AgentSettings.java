package dev.capstan.session;

import dev.capstan.tool.ToolLimits;
import dev.capstan.tool.ToolPolicy;
import java.util.Map;
import java.util.Objects;

/**
 * How the built-in agent runs a turn.
 *
 * <p>Immutable and thread-safe.
 *
 * @param maxIterations most LLM calls in one turn (each answer with tool calls costs one)
 * @param policies configured tool policies, by tool name
 * @param limits size and time caps of tool calls
 */
public record AgentSettings(
    int maxIterations, Map<String, ToolPolicy> policies, ToolLimits limits) {
  /** Default of {@link #maxIterations}. */
  public static final int DEFAULT_MAX_ITERATIONS = 25;

  public AgentSettings {
    if (maxIterations < 1) {
      throw new IllegalArgumentException("maxIterations must be >= 1, was " + maxIterations);
    }
    policies = Map.copyOf(policies);
    Objects.requireNonNull(limits, "limits");
  }
}
