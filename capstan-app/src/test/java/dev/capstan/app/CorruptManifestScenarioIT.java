package dev.capstan.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * daemon.json is only a hint: garbage, a torn write, an empty file, a dead pid or a pid that now
 * belongs to another program never stops the next command from getting a healthy daemon, and a
 * corrupt file is kept aside for inspection. Each scenario first crashes a real daemon, as the
 * power loss that tears a write would.
 */
@LinuxOnly
class CorruptManifestScenarioIT {
  private static final ObjectMapper JSON = new ObjectMapper();

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
  void garbage_manifest_is_moved_aside_and_the_next_command_starts_a_daemon() {
    crashLeftovers();
    byte[] garbage = "\u0000\u0001 this is not a manifest {{{".getBytes(StandardCharsets.UTF_8);
    capstan.write("daemon.json", garbage);

    CliResult status = capstan.run("daemon", "status");

    assertRecoveredFromCorruptManifest(status, garbage);
  }

  @Test
  void truncated_manifest_is_moved_aside_and_the_next_command_starts_a_daemon() {
    CapstanHarness.Manifest crashed = crashLeftovers();
    String whole = crashed.raw().toPrettyString();
    byte[] truncated = whole.substring(0, whole.length() / 2).getBytes(StandardCharsets.UTF_8);
    capstan.write("daemon.json", truncated);

    CliResult status = capstan.run("daemon", "status");

    assertRecoveredFromCorruptManifest(status, truncated);
  }

  @Test
  void empty_manifest_is_moved_aside_and_the_next_command_starts_a_daemon() {
    crashLeftovers();
    capstan.write("daemon.json", new byte[0]);

    CliResult status = capstan.run("daemon", "status");

    assertRecoveredFromCorruptManifest(status, new byte[0]);
    assertThat(status.stderr()).contains("empty file");
  }

  @Test
  void manifest_of_a_dead_pid_is_removed_and_the_next_command_starts_a_daemon() {
    CapstanHarness.Manifest crashed = crashLeftovers();

    CliResult status = capstan.run("daemon", "status");

    status.assertExit(0);
    assertThat(status.stderr())
        .contains("the daemon (pid " + crashed.pid() + ") is gone; removed its stale manifest");
    assertHealthyNewDaemon(crashed);
    assertThat(corruptFiles()).isEmpty();
  }

  @Test
  void manifest_naming_a_live_foreign_process_is_dropped_and_that_process_left_alone() {
    CapstanHarness.Manifest crashed = crashLeftovers();
    Process sleeper = capstan.startForeign("sleep", "600");
    writeManifestNaming(crashed, sleeper.pid(), startOf(sleeper));

    CliResult status = capstan.run("daemon", "status");

    status.assertExit(0);
    assertThat(status.stderr())
        .contains("named pid " + sleeper.pid())
        .contains("not a Capstan daemon of this home; left it alone");
    CapstanHarness.Manifest after = assertHealthyNewDaemon(crashed);
    assertThat(after.pid()).isNotEqualTo(sleeper.pid());
    assertThat(sleeper.isAlive()).isTrue();
  }

  @Test
  void stop_never_signals_a_live_foreign_process_named_by_a_stale_manifest() {
    CapstanHarness.Manifest crashed = crashLeftovers();
    Process sleeper = capstan.startForeign("sleep", "600");
    writeManifestNaming(crashed, sleeper.pid(), startOf(sleeper));

    CliResult stop = capstan.run("daemon", "stop");

    stop.assertExit(0);
    assertThat(stop.stdout()).contains("not running (removed a stale manifest)");
    assertThat(sleeper.isAlive()).as("the foreign process survived `daemon stop`").isTrue();
    assertThat(capstan.home().resolve("daemon.json")).doesNotExist();
  }

  @Test
  void restart_never_signals_a_live_foreign_process_named_by_a_stale_manifest() {
    CapstanHarness.Manifest crashed = crashLeftovers();
    Process sleeper = capstan.startForeign("sleep", "600");
    writeManifestNaming(crashed, sleeper.pid(), startOf(sleeper));

    CliResult restart = capstan.run("daemon", "restart");

    restart.assertExit(0);
    assertThat(sleeper.isAlive()).as("the foreign process survived `daemon restart`").isTrue();
    assertHealthyNewDaemon(crashed);
  }

  @Test
  void manifest_corrupted_under_a_live_daemon_is_repaired_by_it_and_no_second_one_starts() {
    CapstanHarness.Manifest live = capstan.startDaemon();
    capstan.write("daemon.json", "{\"version\":1,\"pid\":");

    CliResult status = capstan.run("daemon", "status", "--json");
    List<Long> daemonsAfterStatus = capstan.daemonProcesses();

    status.assertExit(0);
    assertThat(status.stdout()).contains("\"pid\" : " + live.pid());
    assertThat(daemonsAfterStatus).containsExactly(live.pid());
    assertThat(capstan.manifest().pid()).isEqualTo(live.pid());
    assertThat(corruptFiles()).hasSize(1);
  }

  /**
   * Leaves the home as a daemon that died without cleaning up would: a lock file naming its (dead)
   * pid, nobody holding the lock, and its manifest, which the scenario then damages.
   */
  private CapstanHarness.Manifest crashLeftovers() {
    long dead = deadPid();
    ObjectNode manifest = JSON.createObjectNode();
    manifest.put("version", 1);
    manifest.put("instanceId", UUID.randomUUID().toString());
    manifest.put("pid", dead);
    manifest.put("pidStartedAt", Instant.parse("2025-01-01T00:00:00Z").toString());
    manifest.put("host", "127.0.0.1");
    manifest.put("port", capstan.ports().preferred());
    manifest.put("url", "http://127.0.0.1:" + capstan.ports().preferred());
    manifest.put("startedAt", Instant.parse("2025-01-01T00:00:01Z").toString());
    manifest.put("home", capstan.home().toString());
    manifest.put("logPath", capstan.home().resolve("logs/daemon.log").toString());
    manifest.put("capstanVersion", "0.1.0-SNAPSHOT");
    capstan.write("daemon.lock", "{\"pid\":" + dead + "}\n");
    capstan.write("daemon.json", manifest.toPrettyString());
    return CapstanHarness.Manifest.parse(manifest);
  }

  private static long deadPid() {
    try {
      Process gone = new ProcessBuilder("true").start();
      assertThat(gone.waitFor(10, TimeUnit.SECONDS)).isTrue();
      return gone.pid();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private void writeManifestNaming(CapstanHarness.Manifest template, long pid, Instant startedAt) {
    ObjectNode manifest = template.raw().deepCopy();
    manifest.put("pid", pid);
    manifest.put("pidStartedAt", startedAt.toString());
    try {
      capstan.write("daemon.json", JSON.writeValueAsBytes(manifest));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Instant startOf(Process process) {
    return process.info().startInstant().orElseThrow();
  }

  private void assertRecoveredFromCorruptManifest(CliResult status, byte[] corruptContent) {
    status.assertExit(0);
    assertThat(status.stderr())
        .contains("the daemon manifest was corrupt")
        .contains("moved it aside; started a new daemon");
    List<Path> aside = corruptFiles();
    assertThat(aside).hasSize(1);
    try {
      assertThat(Files.readAllBytes(aside.get(0))).isEqualTo(corruptContent);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    assertHealthyDaemon();
  }

  private CapstanHarness.Manifest assertHealthyNewDaemon(CapstanHarness.Manifest previous) {
    CapstanHarness.Manifest after = assertHealthyDaemon();
    assertThat(after.instanceId()).isNotEqualTo(previous.instanceId());
    return after;
  }

  private CapstanHarness.Manifest assertHealthyDaemon() {
    CapstanHarness.Manifest after = capstan.manifest();
    try (DaemonHttp http = capstan.http(after)) {
      assertThat(http.healthy()).isTrue();
      assertThat(http.authorized("GET", "/api/daemon", capstan.token()).status()).isEqualTo(200);
    }
    assertThat(capstan.daemonProcesses()).containsExactly(after.pid());
    assertThat(capstan.lockHolders()).containsExactly(after.pid());
    return after;
  }

  private List<Path> corruptFiles() {
    return capstan.homeFiles().stream()
        .filter(name -> name.startsWith("daemon.json.corrupt-"))
        .map(name -> capstan.home().resolve(name))
        .toList();
  }
}
