package dev.capstan.cli.client;

import dev.capstan.manifest.DaemonManifest;
import dev.capstan.manifest.ManifestFile;
import dev.capstan.process.LockProbe;

/**
 * What the crash guardian does about a {@link GuardianSnapshot}. {@link #decide} is pure.
 *
 * <p>Immutable.
 */
public sealed interface GuardianDecision {
  /** A verified, healthy daemon: use it. */
  record Use(DaemonManifest manifest) implements GuardianDecision {}

  /**
   * No daemon owns the home: clean up and start one.
   *
   * @param cleanup what to remove before starting
   * @param note for the user, empty when nothing was wrong (first start)
   */
  record StartFresh(Cleanup cleanup, String note) implements GuardianDecision {}

  /** Another process holds the lock but has not announced itself yet: wait for it. */
  record AwaitStartup(long pid) implements GuardianDecision {}

  /** The daemon is alive and owns the home but does not answer: never start a second one. */
  record Hung(DaemonManifest manifest) implements GuardianDecision {}

  /** The daemon answered but rejected our token. */
  record Unauthorized(DaemonManifest manifest) implements GuardianDecision {}

  /** Something other than our daemon answers at the manifest's URL. */
  record Impostor(DaemonManifest manifest) implements GuardianDecision {}

  /** What to do with the manifest file before starting. */
  enum Cleanup {
    NONE,
    DELETE_STALE,
    MOVE_CORRUPT_ASIDE
  }

  /** Decides, with no I/O. */
  static GuardianDecision decide(GuardianSnapshot snapshot) {
    LockProbe.LockState lock = snapshot.lock();
    return switch (snapshot.manifest()) {
      case ManifestFile.Read.Missing missing ->
          lock instanceof LockProbe.LockState.Held held
              ? new AwaitStartup(held.pid())
              : new StartFresh(Cleanup.NONE, "");
      case ManifestFile.Read.Corrupt corrupt ->
          lock instanceof LockProbe.LockState.Held held
              ? new AwaitStartup(held.pid())
              : new StartFresh(
                  Cleanup.MOVE_CORRUPT_ASIDE,
                  "the daemon manifest was corrupt (" + corrupt.reason() + "); moved it aside");
      case ManifestFile.Read.Valid valid -> decideValid(valid.manifest(), snapshot);
    };
  }

  private static GuardianDecision decideValid(DaemonManifest manifest, GuardianSnapshot snapshot) {
    LockProbe.LockState lock = snapshot.lock();
    if (!snapshot.processAlive()) {
      return switch (lock) {
        case LockProbe.LockState.Held held -> new AwaitStartup(held.pid());
        case LockProbe.LockState.Free free -> staleStart(manifest);
        case LockProbe.LockState.Unknown unknown -> staleStart(manifest);
      };
    }
    if (snapshot.health() == GuardianSnapshot.Probe.OK) {
      return switch (snapshot.identity()) {
        case MATCH -> new Use(manifest);
        case UNAUTHORIZED -> new Unauthorized(manifest);
        case MISMATCH, FAILED, NOT_PROBED -> identityProblem(manifest, lock);
      };
    }
    return switch (lock) {
      case LockProbe.LockState.Held held when held.pid() == manifest.pid() -> new Hung(manifest);
      case LockProbe.LockState.Held held -> new AwaitStartup(held.pid());
      case LockProbe.LockState.Free free ->
          new StartFresh(
              Cleanup.DELETE_STALE,
              "the daemon manifest named pid "
                  + manifest.pid()
                  + ", a live process that is not a Capstan daemon of this home; left it alone");
      case LockProbe.LockState.Unknown unknown -> new Hung(manifest);
    };
  }

  private static GuardianDecision identityProblem(
      DaemonManifest manifest, LockProbe.LockState lock) {
    // why: the pid is alive and something answers on the port, but not with this manifest's
    // identity. If the lock is free, the manifest is stale; otherwise refuse to guess.
    if (lock instanceof LockProbe.LockState.Free) {
      return new StartFresh(
          Cleanup.DELETE_STALE,
          "the daemon manifest pointed at "
              + manifest.url()
              + ", where another server answers; left it alone");
    }
    return new Impostor(manifest);
  }

  private static StartFresh staleStart(DaemonManifest manifest) {
    return new StartFresh(
        Cleanup.DELETE_STALE,
        "the daemon (pid " + manifest.pid() + ") is gone; removed its stale manifest");
  }
}
