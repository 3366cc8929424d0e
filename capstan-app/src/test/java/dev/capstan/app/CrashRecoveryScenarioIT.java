package dev.capstan.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon dies (kill -9) or hangs (SIGSTOP): the next command restarts a dead daemon by itself,
 * reports a hung one without starting a second, and {@code daemon restart} replaces a hung one.
 */
@LinuxOnly
class CrashRecoveryScenarioIT {
  private static final Map<String, String> SHORT_PROBE = Map.of("CAPSTAN_PROBE_TIMEOUT", "500ms");

  @TempDir Path tempDir;

  private CapstanHarness capstan;

  @BeforeEach
  void createHarness() {
    capstan = new CapstanHarness(tempDir);
  }

  @AfterEach
  void cleanUp() {
    capstan.close();
  }

  @Test
  void killed_daemon_is_restarted_by_the_next_status_with_a_note() {
    CapstanHarness.Manifest before = capstan.startDaemon();
    capstan.crash(before.pid());

    CliResult status = capstan.run("daemon", "status");

    status.assertExit(0);
    CapstanHarness.Manifest after = capstan.manifest();
    assertThat(after.pid()).isNotEqualTo(before.pid());
    assertThat(status.stderr())
        .contains("the daemon (pid " + before.pid() + ") is gone; removed its stale manifest")
        .contains("started a new daemon at " + after.url() + " (pid " + after.pid() + ")");
    assertThat(status.stdout()).contains("running").contains("pid      " + after.pid());
    assertThat(capstan.daemonProcesses()).containsExactly(after.pid());
    assertThat(capstan.lockHolders()).containsExactly(after.pid());
  }

  @Test
  void stop_after_a_crash_removes_the_stale_manifest_and_succeeds() {
    CapstanHarness.Manifest before = capstan.startDaemon();
    capstan.crash(before.pid());

    CliResult stop = capstan.run("daemon", "stop");

    stop.assertExit(0);
    assertThat(stop.stdout()).contains("not running (removed a stale manifest)");
    assertThat(capstan.home().resolve("daemon.json")).doesNotExist();
    assertThat(capstan.daemonProcesses()).isEmpty();
  }

  @Test
  void stopped_daemon_is_reported_alive_but_not_answering_and_no_second_daemon_starts()
      throws Exception {
    CapstanHarness.Manifest before = capstan.startDaemon();
    capstan.signal(before.pid(), "STOP");

    CliResult status = capstan.run(SHORT_PROBE, "daemon", "status");
    CliResult statusJson = capstan.run(SHORT_PROBE, "daemon", "status", "--json");
    CliResult start = capstan.run(SHORT_PROBE, "daemon", "start");

    status.assertExit(4);
    assertThat(status.stderr())
        .contains("(pid " + before.pid() + ") is alive but not answering")
        .contains("Refusing to start a second daemon")
        .contains("capstan daemon restart");
    statusJson.assertExit(4);
    assertThat(new ObjectMapper().readTree(statusJson.stdout()).path("state").asText())
        .isEqualTo("unresponsive");
    start.assertExit(4);
    assertThat(start.stderr()).contains("is alive but not answering");
    assertThat(capstan.manifest().instanceId()).isEqualTo(before.instanceId());
    assertThat(capstan.lockHolders()).containsExactly(before.pid());
    assertThat(capstan.daemonProcesses()).containsExactly(before.pid());
    assertThat(ProcFs.isStopped(before.pid())).isTrue();
  }

  @Test
  void restart_replaces_a_stopped_daemon() {
    CapstanHarness.Manifest before = capstan.startDaemon();
    capstan.signal(before.pid(), "STOP");

    CliResult restart = capstan.run(SHORT_PROBE, "daemon", "restart");

    restart.assertExit(0);
    CapstanHarness.Manifest after = capstan.manifest();
    assertThat(after.pid()).isNotEqualTo(before.pid());
    assertThat(restart.stdout())
        .contains(
            "Capstan daemon (pid "
                + before.pid()
                + ") did not stop on request; stopped it with SIGTERM.")
        .contains("Capstan daemon started at " + after.url() + " (pid " + after.pid() + ")");
    assertThat(ProcFs.isLive(before.pid())).isFalse();
    assertThat(capstan.daemonProcesses()).containsExactly(after.pid());
    assertThat(capstan.healthy()).isTrue();
  }

  @Test
  void restart_of_a_healthy_daemon_stops_it_cleanly_and_starts_a_new_one() {
    CapstanHarness.Manifest before = capstan.startDaemon();

    CliResult restart = capstan.run("daemon", "restart");

    restart.assertExit(0);
    CapstanHarness.Manifest after = capstan.manifest();
    assertThat(restart.stdout())
        .contains("Capstan daemon stopped (pid " + before.pid() + ").")
        .contains("Capstan daemon started at " + after.url());
    assertThat(after.pid()).isNotEqualTo(before.pid());
    assertThat(capstan.read("logs/daemon.log")).contains("daemon stopping reason=");
  }
}
