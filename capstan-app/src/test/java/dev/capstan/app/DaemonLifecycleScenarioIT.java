package dev.capstan.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Starting, stopping, resetting and inspecting the daemon, as a user does from the shell. */
@LinuxOnly
class DaemonLifecycleScenarioIT {
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
  void status_on_a_fresh_home_exits_3_and_starts_nothing() {
    CliResult status = capstan.run("daemon", "status");

    status.assertExit(3);
    assertThat(status.stderr()).contains("Capstan daemon is not running");
    assertThat(capstan.manifestIfPresent()).isEmpty();
    assertThat(capstan.daemonProcesses()).isEmpty();
  }

  @Test
  void start_returns_once_healthy_and_a_second_start_reports_the_running_daemon() {
    CliResult first = capstan.run("daemon", "start");
    boolean healthyWhenStartReturned = capstan.healthy();
    CliResult second = capstan.run("daemon", "start");

    first.assertExit(0);
    assertThat(healthyWhenStartReturned).isTrue();
    CapstanHarness.Manifest manifest = capstan.manifest();
    String daemon = manifest.url() + " (pid " + manifest.pid() + ")";
    assertThat(first.stdout()).contains("Capstan daemon started at " + daemon);
    assertThat(first.output()).doesNotContain("WARNING");
    second.assertExit(0);
    assertThat(second.stdout()).contains("Capstan daemon already running at " + daemon);
    assertThat(capstan.daemonProcesses()).containsExactly(manifest.pid());
  }

  @Test
  void stop_ends_the_daemon_for_good_and_a_second_stop_says_not_running() {
    CapstanHarness.Manifest manifest = capstan.startDaemon();

    CliResult stop = capstan.run("daemon", "stop");
    CliResult status = capstan.run("daemon", "status");
    CliResult again = capstan.run("daemon", "stop");

    stop.assertExit(0);
    assertThat(stop.stdout()).contains("Capstan daemon stopped (pid " + manifest.pid() + ")");
    assertThat(capstan.home().resolve("daemon.json")).doesNotExist();
    assertThat(capstan.lockHolders()).isEmpty();
    assertThat(ProcFs.isLive(manifest.pid())).isFalse();
    status.assertExit(3);
    assertThat(status.stderr()).contains("Capstan daemon is not running");
    assertThat(capstan.daemonProcesses()).as("status does not start it").isEmpty();
    again.assertExit(0);
    assertThat(again.stdout()).contains("Capstan daemon is not running.");
  }

  @Test
  void shutdown_route_stops_the_daemon_and_logs_show_the_reason_while_it_is_down() {
    capstan.startDaemon();

    DaemonHttp.Reply reply;
    try (DaemonHttp http = capstan.http()) {
      reply =
          http.authorized(
              "POST",
              "/api/daemon/shutdown",
              capstan.token(),
              HttpRequest.BodyPublishers.ofString("{\"reason\": \"maintenance\"}"));
    }

    assertThat(reply.status()).isEqualTo(202);
    capstan.awaitNoDaemon();
    assertThat(capstan.home().resolve("daemon.json")).doesNotExist();
    CliResult logs = capstan.run("daemon", "logs", "-n", "5");
    logs.assertExit(0);
    assertThat(logs.stdout()).contains("daemon stopping reason=\"maintenance\"");
  }

  @Test
  void status_json_on_a_fresh_home_says_stopped() throws Exception {
    CliResult status = capstan.run("daemon", "status", "--json");

    status.assertExit(3);
    assertThat(new ObjectMapper().readTree(status.stdout()).path("state").asText())
        .isEqualTo("stopped");
  }

  @Test
  void reset_keeps_token_config_and_logs_and_clears_manifest_and_corrupt_files() {
    CapstanHarness.Manifest before = capstan.startDaemon();
    String token = capstan.token();
    String config = "[log]\nlevel = \"debug\"\n";
    capstan.write("config.toml", config);
    capstan.write("daemon.json.corrupt-20250101T000000.000Z", "{\"pid\":");
    String oldLog = capstan.read("logs/daemon.log");

    CliResult reset = capstan.run("daemon", "reset");

    reset.assertExit(0);
    assertThat(reset.stdout())
        .contains("Capstan daemon stopped (pid " + before.pid() + ")")
        .contains("daemon.json.corrupt-20250101T000000.000Z")
        .contains("Capstan daemon started at");
    CapstanHarness.Manifest after = capstan.manifest();
    assertThat(after.pid()).isNotEqualTo(before.pid());
    assertThat(after.instanceId()).isNotEqualTo(before.instanceId());
    assertThat(capstan.homeFiles()).noneMatch(name -> name.startsWith("daemon.json.corrupt-"));
    assertThat(capstan.token()).isEqualTo(token);
    assertThat(capstan.read("config.toml")).isEqualTo(config);
    assertThat(capstan.read("logs/daemon.log")).startsWith(oldLog);
    assertThat(ProcFs.isLive(before.pid())).isFalse();
    try (DaemonHttp http = capstan.http(after)) {
      assertThat(http.authorized("GET", "/api/daemon", token).status()).isEqualTo(200);
    }
  }

  @Test
  void reset_without_a_daemon_clears_a_corrupt_manifest_and_caches_and_starts_clean() {
    capstan.write("daemon.json", "{\"pid\": 12");
    capstan.write("daemon.json.corrupt-20250101T000000.000Z", "garbage");
    capstan.write("cache/models/index.json", "{}");

    CliResult reset = capstan.run("daemon", "reset");

    reset.assertExit(0);
    assertThat(reset.stdout())
        .contains("Capstan daemon is not running (removed a stale manifest).")
        .contains("cache/")
        .contains("Capstan daemon started at");
    assertThat(capstan.homeFiles())
        .noneMatch(name -> name.startsWith("daemon.json.corrupt-"))
        .doesNotContain("cache");
    assertThat(capstan.healthy()).isTrue();
    assertThat(capstan.daemonProcesses()).containsExactly(capstan.manifest().pid());
  }

  @Test
  void logs_prints_the_last_lines_of_the_structured_log() throws Exception {
    capstan.startDaemon();

    CliResult human = capstan.run("daemon", "logs", "-n", "5");
    CliResult json = capstan.run("daemon", "logs", "-n", "5", "--json");

    human.assertExit(0);
    assertThat(lines(human.stdout())).hasSize(5).allMatch(line -> line.contains(" INFO "));
    json.assertExit(0);
    List<String> jsonLines = lines(json.stdout());
    assertThat(jsonLines).hasSize(5);
    for (String line : jsonLines) {
      assertThat(new ObjectMapper().readTree(line).path("msg").asText()).isNotBlank();
    }
    assertThat(json.stdout()).contains("daemon healthy url=" + capstan.manifest().url());
  }

  @Test
  void non_loopback_host_prints_a_warning() {
    CliResult start = capstan.run("daemon", "start", "--host", "0.0.0.0");

    start.assertExit(0);
    assertThat(start.stderr())
        .contains("WARNING: binding to 0.0.0.0 makes Capstan reachable from the network");
    assertThat(capstan.read("logs/daemon.log")).contains("WARNING: binding to 0.0.0.0");
    assertThat(capstan.manifest().url()).as("clients still use loopback").contains("127.0.0.1");
    assertThat(capstan.healthy()).isTrue();
  }

  @Test
  void daemon_run_serves_in_the_foreground_until_stopped() {
    CapstanHarness.Running foreground = capstan.launch("daemon", "run");
    await()
        .atMost(CapstanHarness.PATIENCE)
        .until(() -> foreground.stdout().contains("listening on"));
    CapstanHarness.Manifest manifest = capstan.manifest();
    assertThat(manifest.pid()).isEqualTo(foreground.pid());

    CliResult stop = capstan.run("daemon", "stop");

    stop.assertExit(0);
    CliResult exited = foreground.awaitExit();
    exited.assertExit(0);
    assertThat(exited.stdout()).contains("Capstan daemon stopped (capstan daemon stop).");
    assertThat(capstan.home().resolve("daemon.json")).doesNotExist();
  }

  private static List<String> lines(String text) {
    return Arrays.stream(text.split("\n")).filter(line -> !line.isBlank()).toList();
  }
}
