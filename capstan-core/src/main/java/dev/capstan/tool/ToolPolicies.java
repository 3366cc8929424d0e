package dev.capstan.tool;

import java.util.Map;

/**
 * The pure rule that decides a tool's effective policy.
 *
 * <ol>
 *   <li>A configured {@code deny} is final: an operator's refusal cannot be lifted by a session.
 *   <li>Otherwise a session override wins ("allow run_command for this session", or a stricter
 *       {@code ask} / {@code deny}).
 *   <li>Otherwise the configured policy.
 *   <li>Otherwise the default of the tool's risk class: read tools allow, write and command tools
 *       ask.
 * </ol>
 *
 * <p>Thread-safe (stateless).
 */
public final class ToolPolicies {
  private ToolPolicies() {}

  /**
   * The effective policy of {@code tool}.
   *
   * @param tool the tool
   * @param configured policies from the configuration, keyed by tool name
   * @param sessionOverrides overrides of one session, keyed by tool name (empty outside sessions)
   */
  public static EffectivePolicy effectivePolicy(
      Tool tool, Map<String, ToolPolicy> configured, Map<String, ToolPolicy> sessionOverrides) {
    return effectivePolicy(tool.name(), tool.risk(), configured, sessionOverrides);
  }

  /** {@link #effectivePolicy(Tool, Map, Map)} for a tool known by name and risk class. */
  public static EffectivePolicy effectivePolicy(
      String toolName,
      RiskClass risk,
      Map<String, ToolPolicy> configured,
      Map<String, ToolPolicy> sessionOverrides) {
    ToolPolicy fromConfig = configured.get(toolName);
    if (fromConfig == ToolPolicy.DENY) {
      return new EffectivePolicy(ToolPolicy.DENY, PolicySource.CONFIG);
    }
    ToolPolicy fromSession = sessionOverrides.get(toolName);
    if (fromSession != null) {
      return new EffectivePolicy(fromSession, PolicySource.SESSION);
    }
    if (fromConfig != null) {
      return new EffectivePolicy(fromConfig, PolicySource.CONFIG);
    }
    return new EffectivePolicy(risk.defaultPolicy(), PolicySource.DEFAULT);
  }
}
