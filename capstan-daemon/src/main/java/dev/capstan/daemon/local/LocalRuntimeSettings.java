package dev.capstan.daemon.local;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How the local runtime is set up.
 *
 * <p>Immutable and thread-safe.
 *
 * @param home the daemon home; workspaces live in {@code <home>/worktrees}, run files in {@code
 *     <home>/runs}
 * @param parentEnv the daemon's environment, from which agents get only a few variables (see {@link
 *     AgentEnvironment}); passed explicitly so that tests can plant secrets in it
 * @param killGrace the time between SIGTERM and SIGKILL when a run is stopped (at most 3 s)
 * @param gitTimeout the timeout of each local git call
 * @param launcher what every agent and setup command is started through, before {@code setsid} (for
 *     example {@code nice -n 10}); it must exec what follows it, so the run keeps its pid
 */
public record LocalRuntimeSettings(
    Path home,
    Map<String, String> parentEnv,
    Duration killGrace,
    Duration gitTimeout,
    List<String> launcher) {
  /** The default grace between SIGTERM and SIGKILL. */
  public static final Duration DEFAULT_KILL_GRACE = Duration.ofSeconds(2);

  /** The longest grace allowed, so that a cancel completes within 5 seconds. */
  public static final Duration MAX_KILL_GRACE = Duration.ofSeconds(3);

  public LocalRuntimeSettings {
    Objects.requireNonNull(home, "home");
    parentEnv = Map.copyOf(parentEnv);
    Objects.requireNonNull(killGrace, "killGrace");
    Objects.requireNonNull(gitTimeout, "gitTimeout");
    launcher = List.copyOf(launcher);
    if (killGrace.isNegative() || killGrace.compareTo(MAX_KILL_GRACE) > 0) {
      throw new IllegalArgumentException("killGrace must be between 0 and 3s, was " + killGrace);
    }
    if (gitTimeout.isNegative() || gitTimeout.isZero()) {
      throw new IllegalArgumentException("gitTimeout must be positive, was " + gitTimeout);
    }
  }

  /** Settings that start runs directly, without a launcher. */
  public LocalRuntimeSettings(
      Path home, Map<String, String> parentEnv, Duration killGrace, Duration gitTimeout) {
    this(home, parentEnv, killGrace, gitTimeout, List.of());
  }

  /** Settings with the default grace and git timeout. */
  public static LocalRuntimeSettings of(Path home, Map<String, String> parentEnv) {
    return new LocalRuntimeSettings(home, parentEnv, DEFAULT_KILL_GRACE, Duration.ofSeconds(60));
  }
}
