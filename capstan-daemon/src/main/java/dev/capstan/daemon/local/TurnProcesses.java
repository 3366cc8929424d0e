package dev.capstan.daemon.local;

import dev.capstan.runtime.RunMarker;
import dev.capstan.runtime.TurnMarker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The processes that session turns' tools start, found by their {@link TurnMarker}. A turn never
 * outlives its daemon, so at startup every process carrying the home's turn marker was left running
 * by a daemon that died (a {@code run_command} of a turn in flight at a kill -9), and is killed.
 *
 * <p>Thread-safe (stateless).
 */
public final class TurnProcesses {
  private static final Logger log = LoggerFactory.getLogger(TurnProcesses.class);

  private TurnProcesses() {}

  /** The marker the tool processes of {@code turnId} carry. */
  public static TurnMarker markerOf(Path home, String turnId) {
    return new TurnMarker(RunMarker.homeHash(home), turnId);
  }

  /**
   * Kills every process left by turns of {@code home}: SIGTERM, then SIGKILL after {@code grace}.
   * Call before any turn runs. Returns the pids it found.
   */
  public static List<Long> killLeftovers(Path home, Duration grace) {
    String homeHash = RunMarker.homeHash(home);
    ProcFs procFs = ProcFs.system();
    Map<Long, TurnMarker> left = procFs.turnMarkedProcesses(homeHash);
    if (!left.isEmpty()) {
      left.forEach(
          (pid, marker) ->
              log.warn(
                  "killing process pid={} of turn={} left running by a previous daemon",
                  pid,
                  marker.turnId()));
      new ProcessTree(procFs).killOrphans(List.copyOf(left.keySet()), homeHash, grace);
    }
    return List.copyOf(left.keySet());
  }
}
