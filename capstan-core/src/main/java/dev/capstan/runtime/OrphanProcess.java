package dev.capstan.runtime;

import java.util.Objects;

/**
 * An agent process left behind by a daemon that died, found by the {@link RunMarker} in its
 * environment.
 *
 * <p>Immutable and thread-safe.
 *
 * @param pid the process id
 * @param marker the marker it carries (which task and attempt it ran for)
 * @param command its command line as the system reports it, for the health event (may be empty)
 */
public record OrphanProcess(long pid, RunMarker marker, String command) {
  public OrphanProcess {
    if (pid <= 0) {
      throw new IllegalArgumentException("pid must be > 0, was " + pid);
    }
    Objects.requireNonNull(marker, "marker");
    Objects.requireNonNull(command, "command");
  }
}
