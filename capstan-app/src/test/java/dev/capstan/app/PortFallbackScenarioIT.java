package dev.capstan.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The preferred port is taken: the daemon announces the fallback port it took, or fails with a
 * message naming the range when there is none; clients always find the real port in daemon.json.
 */
@LinuxOnly
class PortFallbackScenarioIT {
  @TempDir Path tempDir;

  private CapstanHarness capstan;
  private final List<ServerSocket> squatters = new ArrayList<>();

  @BeforeEach
  void createHarness() {
    capstan = new CapstanHarness(tempDir);
  }

  @AfterEach
  void cleanUp() throws IOException {
    capstan.close();
    for (ServerSocket squatter : squatters) {
      squatter.close();
    }
  }

  @Test
  void taken_preferred_port_starts_the_daemon_on_the_first_free_fallback_port() throws Exception {
    ScenarioPorts ports = capstan.ports();
    squat(ports.preferred());
    squat(ports.rangeFirst());
    int expected = ports.rangeFirst() + 1;

    CliResult start = capstan.run("daemon", "start");
    CliResult status = capstan.run("daemon", "status", "--json");

    start.assertExit(0);
    assertThat(start.output())
        .contains(
            "Port "
                + ports.preferred()
                + " is in use. Starting daemon on available port "
                + expected
                + " instead.");
    assertThat(capstan.manifest().port()).isEqualTo(expected);
    status.assertExit(0);
    JsonNode json = new ObjectMapper().readTree(status.stdout());
    assertThat(json.path("port").asInt()).isEqualTo(expected);
    assertThat(json.path("url").asText()).endsWith(":" + expected);
  }

  @Test
  void foreground_daemon_announces_the_fallback_port_on_stdout() throws Exception {
    ScenarioPorts ports = capstan.ports();
    squat(ports.preferred());

    CapstanHarness.Running run = capstan.launch("daemon", "run");

    await().atMost(CapstanHarness.PATIENCE).until(() -> run.stdout().contains("listening on"));
    assertThat(run.stdout())
        .contains(
            "Port "
                + ports.preferred()
                + " is in use. Starting daemon on available port "
                + ports.rangeFirst()
                + " instead.");
    assertThat(capstan.manifest().port()).isEqualTo(ports.rangeFirst());
  }

  @Test
  void every_port_taken_fails_the_start_with_exit_6_naming_the_range() throws Exception {
    ScenarioPorts ports = capstan.ports();
    squat(ports.preferred());
    ports.rangePorts().forEach(this::squatUnchecked);

    CliResult start = capstan.run("daemon", "start");

    start.assertExit(6);
    assertThat(start.stderr())
        .contains("port " + ports.preferred())
        .contains("fallback range " + ports.range())
        .contains("are in use")
        .contains("--port 0");
    assertThat(capstan.manifestIfPresent()).isEmpty();
    assertThat(capstan.daemonProcesses()).isEmpty();
    assertThat(capstan.lockHolders()).isEmpty();
  }

  @Test
  void every_port_taken_fails_a_foreground_daemon_with_exit_6() throws Exception {
    ScenarioPorts ports = capstan.ports();
    squat(ports.preferred());
    ports.rangePorts().forEach(this::squatUnchecked);

    CliResult run = capstan.launch("daemon", "run").awaitExit();

    run.assertExit(6);
    assertThat(run.stderr()).contains("fallback range " + ports.range()).contains("are in use");
    assertThat(capstan.manifestIfPresent()).isEmpty();
  }

  @Test
  void port_zero_takes_any_free_port_and_clients_find_it_through_the_manifest() throws Exception {
    ScenarioPorts ports = capstan.ports();

    CliResult start = capstan.run("daemon", "start", "--port", "0");
    CliResult status = capstan.run("daemon", "status", "--json");

    start.assertExit(0);
    int port = capstan.manifest().port();
    assertThat(port).isPositive().isNotEqualTo(ports.preferred());
    assertThat(ports.rangePorts().boxed().toList()).doesNotContain(port);
    status.assertExit(0);
    assertThat(new ObjectMapper().readTree(status.stdout()).path("port").asInt()).isEqualTo(port);
    assertThat(capstan.healthy()).isTrue();
  }

  private void squat(int port) throws IOException {
    ServerSocket socket = new ServerSocket();
    socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    squatters.add(socket);
  }

  private void squatUnchecked(int port) {
    try {
      squat(port);
    } catch (IOException e) {
      throw new IllegalStateException("cannot squat port " + port, e);
    }
  }
}
