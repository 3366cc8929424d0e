package dev.capstan.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.capstan.llm.testing.ScriptedLlmServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code capstan doctor} on a real installation: all clear on a healthy one; a corrupt or stale
 * manifest, a home readable by others and a port taken by another program are reported with their
 * fix, and {@code --fix} repairs what it reports as fixed.
 */
@LinuxOnly
class DoctorScenarioIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private CapstanHarness capstan;
  private ScriptedLlmServer llm;

  @BeforeEach
  void start() {
    llm = ScriptedLlmServer.start().models("scenario-model");
    capstan = new CapstanHarness(dir).withEnv("CAPSTAN_LLM_URL", llm.baseUrl().toString());
  }

  @AfterEach
  void stop() {
    capstan.close();
    llm.close();
  }

  @Test
  void healthy_installation_passes_every_check_without_showing_the_token() {
    capstan.startDaemon();

    CliResult result = capstan.run("doctor", "--json");

    result.assertExit(0);
    JsonNode report = parse(result);
    assertThat(report.path("ok").asBoolean()).isTrue();
    assertThat(names(report))
        .contains("home", "auth", "config", "manifest", "daemon", "port", "database", "git")
        .contains("llm", "disk");
    for (JsonNode check : report.path("checks")) {
      assertThat(check.path("status").asText()).as(check.toString()).isEqualTo("ok");
    }
    assertThat(check(report, "daemon").path("finding").asText()).contains("healthy");
    assertThat(check(report, "llm").path("finding").asText()).contains("scenario-model");
    assertThat(result.output()).doesNotContain(capstan.token());
    assertThat(capstan.run("doctor").assertExit(0).stdout()).contains("No problems");
  }

  @Test
  void corrupt_manifest_fails_and_fix_moves_it_aside() {
    CapstanHarness.Manifest crashed = capstan.startDaemon();
    capstan.crash(crashed.pid());
    capstan.write("daemon.json", "\u0000 not a manifest {{{");

    CliResult found = capstan.run("doctor", "--json");
    CliResult fixed = capstan.run("doctor", "--fix", "--json");
    CliResult again = capstan.run("doctor", "--json");

    found.assertExit(1);
    JsonNode manifest = check(parse(found), "manifest");
    assertThat(manifest.path("status").asText()).isEqualTo("fail");
    assertThat(manifest.path("finding").asText()).contains("corrupt");
    fixed.assertExit(0);
    JsonNode repaired = check(parse(fixed), "manifest");
    assertThat(repaired.path("fixed").asBoolean()).isTrue();
    assertThat(repaired.path("fix").asText()).contains("moved it aside");
    assertThat(capstan.homeFiles()).anyMatch(name -> name.startsWith("daemon.json.corrupt-"));
    again.assertExit(0);
    assertThat(check(parse(again), "manifest").path("status").asText()).isEqualTo("ok");
    assertThat(capstan.daemonProcesses()).as("doctor starts no daemon").isEmpty();
  }

  @Test
  void killed_daemon_leaves_a_stale_manifest_that_fix_removes() {
    CapstanHarness.Manifest crashed = capstan.startDaemon();
    capstan.crash(crashed.pid());

    CliResult found = capstan.run("doctor", "--json");
    CliResult fixed = capstan.run("doctor", "--fix", "--json");

    found.assertExit(1);
    JsonNode manifest = check(parse(found), "manifest");
    assertThat(manifest.path("finding").asText())
        .contains("stale")
        .contains("pid " + crashed.pid());
    assertThat(check(parse(found), "daemon").path("fix").asText())
        .isEqualTo("capstan daemon start");
    fixed.assertExit(0);
    assertThat(check(parse(fixed), "manifest").path("fixed").asBoolean()).isTrue();
    assertThat(capstan.home().resolve("daemon.json")).doesNotExist();
    assertThat(capstan.daemonProcesses()).as("doctor starts no daemon").isEmpty();
  }

  @Test
  void home_readable_by_others_fails_and_fix_restores_0700() throws IOException {
    capstan.startDaemon();
    Files.setPosixFilePermissions(capstan.home(), PosixFilePermissions.fromString("rwxr-xr-x"));

    CliResult found = capstan.run("doctor");
    CliResult fixed = capstan.run("doctor", "--fix", "--json");

    found.assertExit(1);
    assertThat(found.stdout()).contains("0755").contains("chmod 700 " + capstan.home());
    fixed.assertExit(0);
    assertThat(check(parse(fixed), "home").path("fixed").asBoolean()).isTrue();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(capstan.home())))
        .isEqualTo("rwx------");
  }

  @Test
  void preferred_port_taken_by_another_program_is_reported_with_its_pid() throws IOException {
    try (ServerSocket squatter = new ServerSocket()) {
      squatter.bind(
          new InetSocketAddress(InetAddress.getLoopbackAddress(), capstan.ports().preferred()));

      CliResult result = capstan.run("doctor", "--json");

      result.assertExit(0);
      JsonNode port = check(parse(result), "port");
      assertThat(port.path("status").asText()).isEqualTo("warn");
      assertThat(port.path("finding").asText())
          .contains("port " + capstan.ports().preferred())
          .contains("pid " + ProcessHandle.current().pid());
    }
  }

  private static JsonNode parse(CliResult result) {
    try {
      return JSON.readTree(result.stdout());
    } catch (IOException e) {
      throw new AssertionError("not JSON: " + result, e);
    }
  }

  private static JsonNode check(JsonNode report, String name) {
    for (JsonNode check : report.path("checks")) {
      if (check.path("name").asText().equals(name)) {
        return check;
      }
    }
    throw new AssertionError("no check named " + name + " in " + report);
  }

  private static List<String> names(JsonNode report) {
    List<String> names = new ArrayList<>();
    report.path("checks").forEach(check -> names.add(check.path("name").asText()));
    return names;
  }
}
