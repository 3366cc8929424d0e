package dev.capstan.agent;

import java.util.List;

/**
 * What does the work inside a workspace: the SPI every agent implements ({@code command} now;
 * {@code builtin}, {@code claude-code} and {@code codex} through the same interface). An agent says
 * how to start it and how to read its output; the runtime starts it, so the same agent runs locally
 * and in a pod.
 *
 * <p>Implementations are immutable and thread-safe: one instance serves every task.
 */
public interface Agent {

  /** The agent's registered name ({@code command}, {@code claude-code}, ...). */
  String name();

  /**
   * Checks that a task gives this agent what it needs, before the task is queued.
   *
   * @throws dev.capstan.error.CapstanException with a hint naming the fix when it does not
   */
  default void validate(AgentTask task) {}

  /**
   * How to start the agent for one attempt: its argv (never passed through a shell by the runtime),
   * extra environment variables and extra files for the private directory. The prompt is always
   * provided by the runtime in {@code CAPSTAN_PROMPT} and {@code CAPSTAN_PROMPT_FILE}; an agent
   * must never interpolate it into a shell string.
   */
  AgentLaunch launch(AgentContext context);

  /**
   * Reads one line of the agent's output (without its line terminator) into typed entries; a line
   * that carries nothing yields an empty list.
   */
  List<AgentEntry> parse(String line);
}
