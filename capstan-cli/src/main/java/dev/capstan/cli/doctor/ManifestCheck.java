package dev.capstan.cli.doctor;

import dev.capstan.cli.client.GuardianDecision;
import dev.capstan.cli.client.GuardianSnapshot;
import dev.capstan.manifest.DaemonManifest;
import dev.capstan.manifest.ManifestFile;
import dev.capstan.process.LockProbe;
import dev.capstan.process.ProcessIdentity;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * {@code daemon.json} against the kernel's lock table: missing, valid, corrupt or stale. The repair
 * is exactly the crash guardian's ({@link GuardianDecision}): a corrupt manifest is moved aside, a
 * stale one removed, and only when no live process holds {@code daemon.lock}.
 *
 * <p>Thread-safe (stateless).
 */
final class ManifestCheck {
  private ManifestCheck() {}

  static Check check(GuardianSnapshot snapshot, ManifestFile file, Instant now, boolean fix) {
    GuardianDecision decision = GuardianDecision.decide(snapshot);
    Path path = file.path();
    return switch (snapshot.manifest()) {
      case ManifestFile.Read.Missing missing ->
          snapshot.lock() instanceof LockProbe.LockState.Held held
              ? Check.warn(
                  "manifest",
                  "no " + path + ", but pid " + held.pid() + " holds daemon.lock (starting?)",
                  "capstan doctor (again in a few seconds), or capstan daemon restart")
              : Check.ok("manifest", "none (no daemon has announced itself)");
      case ManifestFile.Read.Corrupt corrupt -> corrupt(corrupt, snapshot, file, now, fix);
      case ManifestFile.Read.Valid valid -> valid(valid.manifest(), snapshot, decision, file, fix);
    };
  }

  private static Check corrupt(
      ManifestFile.Read.Corrupt corrupt,
      GuardianSnapshot snapshot,
      ManifestFile file,
      Instant now,
      boolean fix) {
    String finding = file.path() + " is corrupt (" + corrupt.reason() + ")";
    if (snapshot.lock() instanceof LockProbe.LockState.Held held) {
      return Check.fail(
          "manifest",
          finding + "; pid " + held.pid() + " holds daemon.lock",
          "capstan daemon restart");
    }
    if (fix) {
      Optional<Path> aside = file.moveAside(now);
      return Check.repaired(
          "manifest",
          finding,
          aside.map(where -> "moved it aside to " + where).orElse("it was already gone"));
    }
    return Check.fail(
        "manifest", finding, "capstan doctor --fix (moves it aside; any command does too)");
  }

  private static Check valid(
      DaemonManifest manifest,
      GuardianSnapshot snapshot,
      GuardianDecision decision,
      ManifestFile file,
      boolean fix) {
    String lock = lockText(snapshot.lock());
    if (snapshot.processAlive()) {
      boolean lockAgrees =
          !(snapshot.lock() instanceof LockProbe.LockState.Held held)
              || held.pid() == manifest.pid();
      if (snapshot.lock() instanceof LockProbe.LockState.Free
          && decision instanceof GuardianDecision.StartFresh) {
        return stale(
            manifest,
            file,
            fix,
            "names pid " + manifest.pid() + ", a live process that does not hold daemon.lock");
      }
      return lockAgrees
          ? Check.ok("manifest", "pid " + manifest.pid() + " at " + manifest.url() + "; " + lock)
          : Check.warn(
              "manifest", "names pid " + manifest.pid() + " but " + lock, "capstan daemon restart");
    }
    if (snapshot.lock() instanceof LockProbe.LockState.Held held) {
      return Check.warn(
          "manifest",
          "names pid "
              + manifest.pid()
              + ", which is gone, while pid "
              + held.pid()
              + " holds daemon.lock (a daemon starting?)",
          "capstan doctor (again in a few seconds), or capstan daemon restart");
    }
    String why =
        ProcessIdentity.live(manifest.pid()).isPresent()
            ? "names pid " + manifest.pid() + ", which now belongs to another process (pid reused)"
            : "names pid " + manifest.pid() + ", which is dead";
    return stale(manifest, file, fix, why);
  }

  private static Check stale(DaemonManifest manifest, ManifestFile file, boolean fix, String why) {
    String finding = "stale: " + why;
    if (fix) {
      boolean removed = file.deleteIfOwnedBy(manifest.instanceId());
      return Check.repaired(
          "manifest", finding, removed ? "removed " + file.path() : "it was already replaced");
    }
    return Check.fail(
        "manifest", finding, "capstan doctor --fix (removes it; any command does too)");
  }

  private static String lockText(LockProbe.LockState lock) {
    return switch (lock) {
      case LockProbe.LockState.Held held -> "pid " + held.pid() + " holds daemon.lock";
      case LockProbe.LockState.Free free -> "nobody holds daemon.lock";
      case LockProbe.LockState.Unknown unknown -> "the holder of daemon.lock is unknown";
    };
  }
}
