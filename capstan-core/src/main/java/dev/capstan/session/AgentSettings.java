package dev.capstan.session;

import dev.capstan.runtime.RunMarker;
import dev.capstan.runtime.TurnMarker;
import dev.capstan.tool.ToolLimits;
import dev.capstan.tool.ToolPolicy;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * How the built-in agent runs a turn.
 *
 * <p>Immutable and thread-safe.
 *
 * @param maxIterations most LLM calls in one turn (each answer with tool calls costs one)
 * @param policies configured tool policies, by tool name
 * @param limits size and time caps of tool calls
 * @param markerHomeHash the daemon home's hash for the {@link TurnMarker} that session turns' tool
 *     processes carry, so that a restarted daemon finds what a dead one left running; empty for
 *     none
 */
public record AgentSettings(
    int maxIterations,
    Map<String, ToolPolicy> policies,
    ToolLimits limits,
    Optional<String> markerHomeHash) {
  /** Default of {@link #maxIterations}. */
  public static final int DEFAULT_MAX_ITERATIONS = 25;

  public AgentSettings {
    if (maxIterations < 1) {
      throw new IllegalArgumentException("maxIterations must be >= 1, was " + maxIterations);
    }
    policies = Map.copyOf(policies);
    Objects.requireNonNull(limits, "limits");
    Objects.requireNonNull(markerHomeHash, "markerHomeHash");
  }

  /** Settings whose tool processes carry no turn marker. */
  public AgentSettings(int maxIterations, Map<String, ToolPolicy> policies, ToolLimits limits) {
    this(maxIterations, policies, limits, Optional.empty());
  }

  /** The environment a turn's tool processes get: its marker, when there is one. */
  Map<String, String> turnProcessEnv(String turnId) {
    return markerHomeHash
        .map(hash -> Map.of(RunMarker.ENV, new TurnMarker(hash, turnId).value()))
        .orElse(Map.of());
  }
}
