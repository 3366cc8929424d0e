package dev.capstan.daemon;

import dev.capstan.time.Stopwatch;
import java.util.StringJoiner;

/**
 * How long each phase of the daemon's start took, for the "daemon healthy" log line: when a start
 * is slow, the log says where the time went.
 *
 * <p>Confined to the thread that starts the daemon.
 */
final class StartupPhases {
  private final StringJoiner phases = new StringJoiner(",");
  private Stopwatch lap = Stopwatch.start();

  /** Ends the phase running since the previous mark (or creation) and names it. */
  void mark(String phase) {
    phases.add(phase + ":" + lap.elapsed().toMillis());
    lap = Stopwatch.start();
  }

  /** The phases so far, for example {@code logging:12,database:140}. */
  String summary() {
    return phases.toString();
  }
}
