package dev.capstan.task;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * Kinds of worker health events.
 *
 * <p>Immutable and thread-safe.
 */
public enum HealthKind {
  /** An agent process died of a signal or vanished while its task was running. */
  CRASHED,
  /**
   * An agent process was killed with SIGKILL that Capstan did not send: most likely out of memory.
   */
  OOM_KILLED,
  /** A worker's work was restarted (daemon recovery re-queued it). */
  RESTARTED,
  /** A worker is healthy again. */
  HEALTHY,
  /** An orphan worktree or agent process was removed. */
  ORPHAN_CLEANED,
  /** A task stayed in provisioning longer than its timeout. */
  STUCK_PROVISIONING;

  /** The name on the wire and in the database, for example {@code oom_killed}. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The kind with this wire name, if any. */
  public static Optional<HealthKind> fromWireName(String name) {
    return Arrays.stream(values()).filter(kind -> kind.wireName().equals(name)).findFirst();
  }

  @Override
  public String toString() {
    return wireName();
  }
}
