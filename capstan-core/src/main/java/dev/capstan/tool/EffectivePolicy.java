package dev.capstan.tool;

import java.util.Objects;

/**
 * The policy that applies to a tool, and where it came from.
 *
 * @param policy allow, ask or deny
 * @param source default, config or session
 */
public record EffectivePolicy(ToolPolicy policy, PolicySource source) {
  public EffectivePolicy {
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(source, "source");
  }
}
