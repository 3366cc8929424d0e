package dev.capstan.cli.client;

import dev.capstan.manifest.ManifestFile;
import dev.capstan.process.LockProbe;
import java.util.Objects;

/**
 * The facts the crash guardian decides on, gathered once: the manifest as read, who holds the home
 * lock, whether the manifest's process is alive, and what its URL answered.
 *
 * <p>Immutable.
 *
 * @param manifest the manifest as read
 * @param lock who holds {@code daemon.lock}; when the daemon proved its identity this is its pid
 *     without reading the lock table, unless the caller asked for the lock to be read
 * @param processAlive whether the manifest's pid is alive with the same start time (false if no
 *     valid manifest)
 * @param health what {@code /api/health} answered (NOT_PROBED if the process is not alive)
 * @param identity what {@code /api/daemon} answered (NOT_PROBED unless health was OK)
 */
public record GuardianSnapshot(
    ManifestFile.Read manifest,
    LockProbe.LockState lock,
    boolean processAlive,
    Probe health,
    Identity identity) {
  public GuardianSnapshot {
    Objects.requireNonNull(manifest, "manifest");
    Objects.requireNonNull(lock, "lock");
    Objects.requireNonNull(health, "health");
    Objects.requireNonNull(identity, "identity");
  }

  /** Result of the health probe. */
  public enum Probe {
    NOT_PROBED,
    OK,
    FAILED
  }

  /** Result of the identity check. */
  public enum Identity {
    NOT_PROBED,
    MATCH,
    MISMATCH,
    UNAUTHORIZED,
    FAILED
  }
}
