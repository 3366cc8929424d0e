package dev.capstan.agent;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The agents a daemon knows, by name. Built once at wiring time.
 *
 * <p>Immutable and thread-safe.
 */
public final class AgentRegistry {
  private final Map<String, Agent> byName;

  private AgentRegistry(Map<String, Agent> byName) {
    this.byName = byName;
  }

  /**
   * A registry of {@code agents}.
   *
   * @throws IllegalArgumentException when two agents share a name
   */
  public static AgentRegistry of(List<Agent> agents) {
    Map<String, Agent> byName = new LinkedHashMap<>();
    for (Agent agent : agents) {
      if (byName.putIfAbsent(agent.name(), agent) != null) {
        throw new IllegalArgumentException("two agents are named '" + agent.name() + "'");
      }
    }
    return new AgentRegistry(java.util.Collections.unmodifiableMap(byName));
  }

  /** The registry of the agents that ship with Capstan and need nothing of the daemon. */
  public static AgentRegistry builtIn() {
    return of(List.of(new CommandAgent()));
  }

  /**
   * The registry of the agents that ship with Capstan, with the daemon's own agent (the {@code
   * builtin} one, built at wiring time because it needs the LLM client, tools and approvals).
   */
  public static AgentRegistry builtIn(Agent builtin) {
    return of(List.of(new CommandAgent(), builtin));
  }

  /** The agent named {@code name}, if registered. */
  public Optional<Agent> find(String name) {
    return Optional.ofNullable(byName.get(name));
  }

  /**
   * The agent named {@code name}.
   *
   * @throws UnknownAgent when none is registered under that name
   */
  public Agent require(String name) {
    Agent agent = byName.get(name);
    if (agent == null) {
      throw new UnknownAgent(name, List.copyOf(byName.keySet()));
    }
    return agent;
  }

  /** The registered names, in registration order. */
  public List<String> names() {
    return List.copyOf(byName.keySet());
  }
}
