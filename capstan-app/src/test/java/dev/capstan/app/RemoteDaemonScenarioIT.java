package dev.capstan.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CAPSTAN_URL names a daemon elsewhere: the CLI talks to it, never starts one in its place. */
@LinuxOnly
class RemoteDaemonScenarioIT {
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
  void remote_url_at_a_dead_port_exits_4_not_reachable_and_starts_nothing() {
    String url = "http://127.0.0.1:" + capstan.ports().preferred();
    Map<String, String> remote = Map.of("CAPSTAN_URL", url, "CAPSTAN_TOKEN", "not-a-real-token");

    CliResult status = capstan.run(remote, "daemon", "status");
    CliResult start = capstan.run(remote, "daemon", "start");

    status.assertExit(4);
    assertThat(status.stderr())
        .contains("Capstan daemon is not reachable at " + url)
        .contains("never started automatically");
    start.assertExit(4);
    assertThat(start.stderr()).contains("not reachable at " + url);
    assertThat(capstan.daemonProcesses()).isEmpty();
    assertThat(capstan.home().resolve("daemon.json")).doesNotExist();
  }

  @Test
  void remote_url_without_a_token_is_a_usage_error() {
    CliResult status =
        capstan.run(
            Map.of("CAPSTAN_URL", "http://127.0.0.1:" + capstan.ports().preferred()),
            "daemon",
            "status");

    status.assertExit(2);
    assertThat(status.stderr()).contains("CAPSTAN_TOKEN");
  }

  @Test
  void remote_daemon_is_used_with_its_token_and_a_wrong_token_exits_7() {
    CapstanHarness.Manifest daemon = capstan.startDaemon();
    String token = capstan.token();
    Map<String, String> remote = Map.of("CAPSTAN_URL", daemon.url(), "CAPSTAN_TOKEN", token);
    Map<String, String> forged =
        Map.of("CAPSTAN_URL", daemon.url(), "CAPSTAN_TOKEN", CapstanHarness.tampered(token));

    CliResult status = capstan.run(remote, "daemon", "status");
    CliResult rejected = capstan.run(forged, "daemon", "status");

    status.assertExit(0);
    assertThat(status.stdout()).contains("pid      " + daemon.pid());
    rejected.assertExit(7);
    assertThat(rejected.output()).doesNotContain(token);
  }
}
