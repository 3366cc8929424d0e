package dev.capstan.agent;

import dev.capstan.runtime.Names;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How to start an agent: what {@link Agent#launch} returns.
 *
 * <p>Immutable and thread-safe.
 *
 * @param argv the command line; executed directly, never through a shell by the runtime
 * @param env extra environment variables on top of the runtime's minimal environment (they cannot
 *     replace the runtime's own {@code CAPSTAN_*} variables)
 * @param files extra files to create in the private directory: name (a plain file name) to content
 */
public record AgentLaunch(List<String> argv, Map<String, String> env, Map<String, String> files) {
  public AgentLaunch {
    argv = List.copyOf(argv);
    env = Map.copyOf(env);
    files = Map.copyOf(files);
    if (argv.isEmpty()) {
      throw new IllegalArgumentException("argv must not be empty");
    }
    for (String name : env.keySet()) {
      if (name.isEmpty() || name.contains("=") || name.indexOf('\0') >= 0) {
        throw new IllegalArgumentException("invalid environment variable name '" + name + "'");
      }
    }
    for (String name : files.keySet()) {
      Names.requireValidName("file", name);
    }
    Objects.requireNonNull(argv.get(0), "argv[0]");
  }

  /** A launch of {@code argv} with no extra environment and no extra files. */
  public static AgentLaunch of(List<String> argv) {
    return new AgentLaunch(argv, Map.of(), Map.of());
  }
}
