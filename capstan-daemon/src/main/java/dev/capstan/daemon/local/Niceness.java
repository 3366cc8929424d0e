package dev.capstan.daemon.local;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The launcher that starts agents, setup commands and git at a lower CPU priority than the daemon
 * ({@code nice -n N}, which execs the command, so it keeps its pid). When agents saturate the CPU,
 * the daemon's own threads (dispatch, commits, event streaming) still get it first; the agents lose
 * nothing when the CPU is idle.
 *
 * <p>Thread-safe (stateless).
 */
public final class Niceness {
  private static final Logger log = LoggerFactory.getLogger(Niceness.class);
  private static final List<String> NICE_PATHS = List.of("/usr/bin/nice", "/bin/nice");

  private Niceness() {}

  /**
   * The launcher for {@code niceness} (0-19): empty for 0, or when no {@code nice} is installed
   * (logged once, here).
   */
  public static List<String> launcher(int niceness) {
    if (niceness < 0 || niceness > 19) {
      throw new IllegalArgumentException("niceness must be between 0 and 19, was " + niceness);
    }
    if (niceness == 0) {
      return List.of();
    }
    Optional<String> nice =
        NICE_PATHS.stream().filter(path -> Files.isExecutable(Path.of(path))).findFirst();
    if (nice.isEmpty()) {
      log.warn("no nice found at {}; agents and git run at the daemon's CPU priority", NICE_PATHS);
      return List.of();
    }
    return List.of(nice.get(), "-n", Integer.toString(niceness));
  }
}
