package dev.capstan.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * One home, one daemon: racing cold starts elect one, and a second daemon is refused.
 *
 * <p>Isolated: ten JVMs starting at once already load a small machine fully.
 */
@LinuxOnly
@Isolated
class ConcurrentStartScenarioIT {
  private static final int RACERS = 10;

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
  void ten_concurrent_cold_starts_elect_exactly_one_daemon() {
    List<CliResult> results = capstan.runConcurrently(RACERS, "daemon", "start");

    results.forEach(result -> result.assertExit(0));
    Set<Long> pids =
        results.stream()
            .map(CliResult::mentionedPid)
            .flatMap(Optional::stream)
            .collect(Collectors.toSet());
    long daemon = capstan.manifest().pid();
    assertThat(pids).containsExactly(daemon);
    assertThat(results.stream().filter(r -> r.stdout().contains("Capstan daemon started at")))
        .hasSize(1);
    assertThat(results.stream().filter(r -> r.stdout().contains("already running at")))
        .hasSize(RACERS - 1);
    assertThat(capstan.daemonProcesses()).containsExactly(daemon);
    assertThat(capstan.lockHolders()).containsExactly(daemon);
  }

  @Test
  void status_racing_cold_starts_never_starts_a_daemon_of_its_own_nor_reports_another() {
    List<CapstanHarness.Running> starts = new ArrayList<>();
    List<CapstanHarness.Running> statuses = new ArrayList<>();
    for (int i = 0; i < RACERS / 2; i++) {
      starts.add(capstan.launch("daemon", "start"));
      statuses.add(capstan.launch("daemon", "status"));
    }

    List<CliResult> started = starts.stream().map(CapstanHarness.Running::awaitExit).toList();
    List<CliResult> reported = statuses.stream().map(CapstanHarness.Running::awaitExit).toList();

    long daemon = capstan.manifest().pid();
    started.forEach(result -> result.assertExit(0));
    assertThat(started).allMatch(result -> result.mentionedPid().equals(Optional.of(daemon)));
    for (CliResult status : reported) {
      // Race: a status that looks before any start took the lock finds nothing running (exit 3);
      // one that looks later waits for the elected daemon and reports it.
      assertThat(status.exitCode()).as(status.toString()).isIn(0, 3);
      if (status.exitCode() == 0) {
        assertThat(status.stdout()).contains("pid      " + daemon);
      } else {
        assertThat(status.stderr()).contains("not running");
      }
    }
    assertThat(capstan.daemonProcesses()).containsExactly(daemon);
    assertThat(capstan.lockHolders()).containsExactly(daemon);
  }

  @Test
  void daemon_run_on_an_owned_home_is_refused_naming_the_owner() {
    CapstanHarness.Manifest owner = capstan.startDaemon();

    CliResult second = capstan.launch("daemon", "run").awaitExit();

    second.assertExit(5);
    assertThat(second.stderr())
        .contains("Another Capstan daemon already owns " + capstan.home())
        .contains("pid " + owner.pid())
        .contains(owner.url())
        .contains("Refusing to start a second daemon");
    assertThat(capstan.manifest().instanceId()).isEqualTo(owner.instanceId());
    assertThat(capstan.daemonProcesses()).containsExactly(owner.pid());
    try (DaemonHttp http = capstan.http(owner)) {
      assertThat(http.healthy()).isTrue();
    }
  }

  @Test
  void daemon_run_on_an_owned_home_is_refused_even_on_another_port() {
    CapstanHarness.Manifest owner = capstan.startDaemon();

    CliResult second = capstan.launch("daemon", "run", "--port", "0").awaitExit();

    second.assertExit(5);
    assertThat(second.stderr()).contains("pid " + owner.pid());
    assertThat(capstan.manifest().port()).isEqualTo(owner.port());
  }

  @Test
  void leftover_startup_lock_file_of_a_crashed_command_does_not_block_a_start() {
    capstan.write("startup.lock", "{\"pid\": 999999}");

    CliResult start = capstan.run("daemon", "start");

    start.assertExit(0);
    assertThat(start.stdout()).contains("Capstan daemon started at");
  }

  @Test
  void start_blocked_by_a_hung_command_holding_the_startup_lock_fails_with_exit_4()
      throws IOException {
    capstan.write("startup.lock", "");
    CliResult blocked;
    try (FileChannel channel =
            FileChannel.open(capstan.home().resolve("startup.lock"), StandardOpenOption.WRITE);
        FileLock held = channel.lock()) {

      blocked = capstan.run(Map.of("CAPSTAN_START_TIMEOUT", "2s"), "daemon", "start");
    }

    blocked.assertExit(4);
    assertThat(blocked.stderr())
        .contains("Another capstan command has been starting the daemon for over 2 s");
    assertThat(capstan.daemonProcesses()).isEmpty();
    capstan.run("daemon", "start").assertExit(0);
  }
}
