package dev.capstan.tool;

import java.util.Locale;

/**
 * How much harm a tool can do, which sets its default policy.
 *
 * <p>Immutable.
 */
public enum RiskClass {
  /** Only reads the workspace; allowed by default. */
  READ(ToolPolicy.ALLOW),
  /** Changes files in the workspace; asks by default. */
  WRITE(ToolPolicy.ASK),
  /** Runs arbitrary commands; asks by default. */
  COMMAND(ToolPolicy.ASK);

  private final ToolPolicy defaultPolicy;

  RiskClass(ToolPolicy defaultPolicy) {
    this.defaultPolicy = defaultPolicy;
  }

  /** The policy of a tool of this class that nothing configures. */
  public ToolPolicy defaultPolicy() {
    return defaultPolicy;
  }

  /** The lower-case name used in JSON and in the CLI, for example {@code read}. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
