package dev.capstan.cli.doctor;

import dev.capstan.cli.client.GuardianDecision;
import dev.capstan.cli.client.GuardianSnapshot;
import dev.capstan.manifest.DaemonManifest;
import java.util.function.Supplier;

/**
 * Is the daemon running and healthy? Decided by the crash guardian's own {@link GuardianDecision},
 * so doctor and every other command agree on what they see.
 *
 * <p>Doctor never starts a daemon that is not running: a daemon that was stopped on purpose stays
 * stopped, and one that crashed is started by the next command that needs it. {@code --fix} only
 * replaces a hung daemon, through the same code as {@code capstan daemon restart} (which checks the
 * pid, its start time and the home's lock before signalling anything).
 *
 * <p>Thread-safe (stateless).
 */
final class DaemonCheck {
  private DaemonCheck() {}

  /**
   * @param snapshot what the guardian saw
   * @param fix whether to replace a hung daemon
   * @param restart runs {@code capstan daemon restart} and says what it did
   */
  static Check check(GuardianSnapshot snapshot, boolean fix, Supplier<String> restart) {
    return switch (GuardianDecision.decide(snapshot)) {
      case GuardianDecision.Use use -> running(use.manifest());
      case GuardianDecision.StartFresh fresh ->
          fresh.cleanup() == GuardianDecision.Cleanup.NONE
              ? Check.ok("daemon", "not running (start it with `capstan daemon start`)")
              : Check.warn(
                  "daemon",
                  "not running: it did not shut down cleanly (see the manifest check)",
                  "capstan daemon start");
      case GuardianDecision.AwaitStartup await ->
          Check.warn(
              "daemon",
              "pid " + await.pid() + " holds daemon.lock but has not announced itself yet",
              "capstan daemon status (in a few seconds), or capstan daemon restart");
      case GuardianDecision.Hung hung -> hung(hung.manifest(), fix, restart);
      case GuardianDecision.Unauthorized unauthorized ->
          Check.fail(
              "daemon",
              "the daemon at " + unauthorized.manifest().url() + " rejects the token in auth.json",
              "capstan daemon restart");
      case GuardianDecision.Impostor impostor ->
          Check.fail(
              "daemon",
              "something answers at "
                  + impostor.manifest().url()
                  + " but it is not the daemon of pid "
                  + impostor.manifest().pid(),
              "capstan daemon restart");
    };
  }

  private static Check running(DaemonManifest manifest) {
    return Check.ok(
        "daemon",
        "running at "
            + manifest.url()
            + " (pid "
            + manifest.pid()
            + ", version "
            + manifest.capstanVersion()
            + "), healthy, identity verified");
  }

  private static Check hung(DaemonManifest manifest, boolean fix, Supplier<String> restart) {
    String finding =
        "pid "
            + manifest.pid()
            + " is alive and holds the home but does not answer at "
            + manifest.url()
            + " (hung)";
    if (fix) {
      return Check.repaired("daemon", finding, restart.get());
    }
    return Check.fail("daemon", finding, "capstan daemon restart");
  }

  /** Whether the guardian would use the daemon as it is. */
  static boolean verified(GuardianSnapshot snapshot) {
    return GuardianDecision.decide(snapshot) instanceof GuardianDecision.Use;
  }
}
