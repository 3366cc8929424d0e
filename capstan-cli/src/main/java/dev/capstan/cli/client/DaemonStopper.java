package dev.capstan.cli.client;

import dev.capstan.auth.AuthToken;
import dev.capstan.auth.TokenFile;
import dev.capstan.manifest.DaemonManifest;
import dev.capstan.manifest.ManifestFile;
import dev.capstan.process.LockProbe;
import dev.capstan.process.ProcessIdentity;
import dev.capstan.process.Signals;
import dev.capstan.time.Stopwatch;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;

/**
 * Stops the daemon of a home: the authenticated shutdown route first, then SIGTERM, then SIGKILL
 * after a deadline. Before each signal it checks that the pid still names the same process (same
 * start time), so a recycled pid is never killed.
 *
 * <p>Confined to the command's thread.
 */
public final class DaemonStopper {
  private static final Duration POLL = Duration.ofMillis(50);
  private static final Duration ROUTE_TIMEOUT = Duration.ofSeconds(2);
  private static final Duration KILL_WAIT = Duration.ofSeconds(5);

  private final DaemonConnector connector;
  private final Duration gracePeriod;

  /**
   * @param connector the guardian of the home
   * @param shutdownTimeout the daemon's own graceful-shutdown deadline
   */
  public DaemonStopper(DaemonConnector connector, Duration shutdownTimeout) {
    this.connector = connector;
    this.gracePeriod = shutdownTimeout.plusSeconds(5);
  }

  /** How the daemon was stopped. */
  public enum Outcome {
    /** Nothing was running. */
    NOT_RUNNING,
    /** A stale manifest of a dead daemon was removed; nothing was running. */
    REMOVED_STALE,
    /** It stopped through the shutdown route. */
    STOPPED,
    /** It needed SIGTERM. */
    TERMINATED,
    /** It needed SIGKILL. */
    KILLED
  }

  /**
   * The result.
   *
   * @param outcome what happened
   * @param pid the daemon's pid, 0 if none
   */
  public record Result(Outcome outcome, long pid) {}

  /** Stops the daemon, whatever state it is in. */
  public Result stop() {
    ManifestFile manifestFile = new ManifestFile(connector.home().manifestFile());
    ManifestFile.Read read = manifestFile.read();
    Optional<DaemonManifest> manifest =
        read instanceof ManifestFile.Read.Valid valid
            ? Optional.of(valid.manifest())
            : Optional.empty();
    Optional<ProcessIdentity> target = target(manifest);
    if (target.isEmpty()) {
      boolean removed =
          switch (read) {
            case ManifestFile.Read.Valid valid ->
                manifestFile.deleteIfOwnedBy(valid.manifest().instanceId());
            case ManifestFile.Read.Corrupt corrupt -> manifestFile.delete();
            case ManifestFile.Read.Missing missing -> false;
          };
      return new Result(removed ? Outcome.REMOVED_STALE : Outcome.NOT_RUNNING, 0);
    }
    ProcessIdentity process = target.get();
    Outcome outcome = terminate(process, manifest.filter(m -> m.pid() == process.pid()));
    // why: a daemon that had to be killed could not remove its own manifest.
    if (manifestFile.read() instanceof ManifestFile.Read.Valid left
        && left.manifest().pid() == process.pid()) {
      manifestFile.deleteIfOwnedBy(left.manifest().instanceId());
    }
    return new Result(outcome, process.pid());
  }

  private Optional<ProcessIdentity> target(Optional<DaemonManifest> manifest) {
    LockProbe.LockState lock = LockProbe.holderOf(connector.home().lockFile());
    // why: a stale manifest can name a live process that is not our daemon (a recycled pid);
    // only the holder of the home's lock is signalled. Unknown lock state keeps the manifest.
    if (manifest.isPresent()
        && manifest.get().process().isAlive()
        && switch (lock) {
          case LockProbe.LockState.Held held -> held.pid() == manifest.get().pid();
          case LockProbe.LockState.Free free -> false;
          case LockProbe.LockState.Unknown unknown -> true;
        }) {
      return Optional.of(manifest.get().process());
    }
    // why: without a trustworthy manifest, the kernel's lock table still names the owner.
    if (lock instanceof LockProbe.LockState.Held held) {
      return ProcessIdentity.live(held.pid());
    }
    return Optional.empty();
  }

  private Outcome terminate(ProcessIdentity process, Optional<DaemonManifest> manifest) {
    if (manifest.isPresent()
        && requestShutdown(manifest.get())
        && awaitExit(process, gracePeriod)) {
      return Outcome.STOPPED;
    }
    Optional<ProcessHandle> handle = process.handle();
    if (handle.isEmpty()) {
      return Outcome.STOPPED;
    }
    handle.get().destroy();
    // why: a stopped (SIGSTOP) process only acts on SIGTERM once it runs again.
    Signals.resume(process);
    if (awaitExit(process, gracePeriod)) {
      return Outcome.TERMINATED;
    }
    Optional<ProcessHandle> stubborn = process.handle();
    if (stubborn.isEmpty()) {
      return Outcome.TERMINATED;
    }
    stubborn.get().destroyForcibly();
    if (!awaitExit(process, KILL_WAIT)) {
      throw new IllegalStateException(
          "pid " + process.pid() + " survived SIGKILL for " + KILL_WAIT.toSeconds() + " s");
    }
    return Outcome.KILLED;
  }

  private boolean requestShutdown(DaemonManifest manifest) {
    Optional<AuthToken> token = new TokenFile(connector.home().authFile()).read();
    if (token.isEmpty()) {
      return false;
    }
    try (DaemonClient client = new DaemonClient(manifest.url(), token.get(), ROUTE_TIMEOUT)) {
      DaemonClient.Response response =
          client.send(
              "POST",
              "/api/daemon/shutdown",
              "{\"reason\":\"capstan daemon stop\"}",
              ROUTE_TIMEOUT);
      return response.status() == 202;
    } catch (IOException e) {
      return false;
    }
  }

  private static boolean awaitExit(ProcessIdentity process, Duration timeout) {
    Stopwatch waited = Stopwatch.start();
    while (process.isAlive()) {
      if (waited.hasElapsed(timeout)) {
        return false;
      }
      try {
        Thread.sleep(POLL.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return true;
  }
}
