package dev.capstan.task;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A git repository registered with the daemon, with its settings.
 *
 * <p>Immutable and thread-safe.
 *
 * @param name its unique name (see {@link #isValidName})
 * @param source what the user gave: a local path or a git URL
 * @param path the local checkout worktrees are made from (the path itself, or the clone)
 * @param baseBranch the branch task branches start from
 * @param maxConcurrent how many of its tasks may be provisioning or running at once
 * @param agent the default agent of its tasks
 * @param command the default command of the {@code command} agent
 * @param setup a command run in each new worktree before the agent
 * @param provisionTimeout overrides the global provisioning timeout
 * @param runTimeout overrides the global run timeout
 * @param idleTimeout overrides the global no-output timeout
 * @param createdAt when it was added
 * @param updatedAt when its settings last changed
 */
public record Repo(
    String name,
    String source,
    String path,
    String baseBranch,
    int maxConcurrent,
    String agent,
    Optional<String> command,
    Optional<String> setup,
    Optional<Duration> provisionTimeout,
    Optional<Duration> runTimeout,
    Optional<Duration> idleTimeout,
    Instant createdAt,
    Instant updatedAt) {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

  public Repo {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(baseBranch, "baseBranch");
    Objects.requireNonNull(agent, "agent");
    Objects.requireNonNull(command, "command");
    Objects.requireNonNull(setup, "setup");
    Objects.requireNonNull(provisionTimeout, "provisionTimeout");
    Objects.requireNonNull(runTimeout, "runTimeout");
    Objects.requireNonNull(idleTimeout, "idleTimeout");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(updatedAt, "updatedAt");
    if (maxConcurrent < 1) {
      throw new IllegalArgumentException("maxConcurrent must be >= 1, was " + maxConcurrent);
    }
  }

  /**
   * Whether {@code name} is a valid repo name: a letter or digit, then up to 63 letters, digits,
   * dots, underscores or dashes, and no {@code ..}.
   */
  public static boolean isValidName(String name) {
    return name != null && NAME.matcher(name).matches() && !name.contains("..");
  }

  /** The name of this repo's local worker in the cluster view. */
  public String workerName() {
    return "local/" + name;
  }
}
