package dev.capstan.cli.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.capstan.cli.client.GuardianSnapshot;
import dev.capstan.config.CapstanSettings;
import dev.capstan.config.PortRange;
import dev.capstan.home.CapstanHome;
import dev.capstan.manifest.DaemonManifest;
import dev.capstan.manifest.ManifestFile;
import dev.capstan.process.LockProbe;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DoctorChecksTest {
  private static final Instant NOW = Instant.parse("2026-11-21T10:00:00Z");

  @TempDir Path tempDir;

  private CapstanHome home() {
    return new CapstanHome(tempDir.resolve("home")).ensureExists();
  }

  private static GuardianSnapshot snapshotOf(CapstanHome home) {
    ManifestFile file = new ManifestFile(home.manifestFile());
    return new GuardianSnapshot(
        file.read(),
        LockProbe.holderOf(home.lockFile()),
        false,
        GuardianSnapshot.Probe.NOT_PROBED,
        GuardianSnapshot.Identity.NOT_PROBED);
  }

  @Test
  void corrupt_manifest_fails_and_fix_moves_it_aside() throws IOException {
    CapstanHome home = home();
    Files.writeString(home.manifestFile(), "{ not json");
    ManifestFile file = new ManifestFile(home.manifestFile());

    Check found = ManifestCheck.check(snapshotOf(home), file, NOW, false);
    Check fixed = ManifestCheck.check(snapshotOf(home), file, NOW, true);

    assertThat(found.status()).isEqualTo(Check.Status.FAIL);
    assertThat(found.finding()).contains("corrupt");
    assertThat(found.fix()).contains("capstan doctor --fix");
    assertThat(fixed.fixed()).isTrue();
    assertThat(fixed.status()).isEqualTo(Check.Status.OK);
    assertThat(fixed.fix()).contains("daemon.json.corrupt-");
    assertThat(home.manifestFile()).doesNotExist();
    assertThat(ManifestCheck.check(snapshotOf(home), file, NOW, false).status())
        .isEqualTo(Check.Status.OK);
  }

  @Test
  void manifest_of_a_dead_pid_is_stale_and_fix_removes_it() throws Exception {
    CapstanHome home = home();
    Process gone = new ProcessBuilder("true").start();
    Instant startedAt = gone.info().startInstant().orElse(NOW);
    gone.waitFor();
    ManifestFile file = new ManifestFile(home.manifestFile());
    file.write(manifest(home, gone.pid(), startedAt));

    Check found = ManifestCheck.check(snapshotOf(home), file, NOW, false);
    Check daemon = DaemonCheck.check(snapshotOf(home), true, () -> "must not restart");
    Check fixed = ManifestCheck.check(snapshotOf(home), file, NOW, true);

    assertThat(found.status()).isEqualTo(Check.Status.FAIL);
    assertThat(found.finding()).contains("stale").contains("pid " + gone.pid());
    assertThat(daemon.status()).isEqualTo(Check.Status.WARN);
    assertThat(daemon.fix()).isEqualTo("capstan daemon start");
    assertThat(fixed.fixed()).isTrue();
    assertThat(home.manifestFile()).doesNotExist();
  }

  @Test
  void a_stopped_daemon_is_fine_and_doctor_never_starts_one() {
    CapstanHome home = home();
    AtomicBoolean restarted = new AtomicBoolean();

    Check daemon =
        DaemonCheck.check(
            snapshotOf(home),
            true,
            () -> {
              restarted.set(true);
              return "restarted";
            });

    assertThat(daemon.status()).isEqualTo(Check.Status.OK);
    assertThat(daemon.finding()).contains("not running");
    assertThat(restarted).isFalse();
  }

  @Test
  void home_with_mode_0755_fails_and_fix_restores_0700() throws IOException {
    CapstanHome home = home();
    Files.setPosixFilePermissions(home.root(), PosixFilePermissions.fromString("rwxr-xr-x"));

    Check found = HomeChecks.home(home, false);
    Check fixed = HomeChecks.home(home, true);

    assertThat(found.status()).isEqualTo(Check.Status.FAIL);
    assertThat(found.finding()).contains("0755");
    assertThat(found.fix()).isEqualTo("chmod 700 " + home.root());
    assertThat(fixed.fixed()).isTrue();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(home.root())))
        .isEqualTo("rwx------");
    assertThat(HomeChecks.home(home, false).status()).isEqualTo(Check.Status.OK);
  }

  @Test
  void missing_home_is_a_warning_and_fix_creates_it() {
    CapstanHome home = new CapstanHome(tempDir.resolve("nowhere"));

    Check found = HomeChecks.home(home, false);
    Check fixed = HomeChecks.home(home, true);

    assertThat(found.status()).isEqualTo(Check.Status.WARN);
    assertThat(fixed.fixed()).isTrue();
    assertThat(home.logDir()).isDirectory();
  }

  @Test
  void token_file_readable_by_others_fails_and_fix_restores_0600_without_showing_it()
      throws IOException {
    CapstanHome home = home();
    String token = "a".repeat(43);
    Files.writeString(home.authFile(), "{\"version\":1,\"token\":\"" + token + "\"}");
    Files.setPosixFilePermissions(home.authFile(), PosixFilePermissions.fromString("rw-r--r--"));

    Check found = HomeChecks.auth(home, false);
    Check fixed = HomeChecks.auth(home, true);

    assertThat(found.status()).isEqualTo(Check.Status.FAIL);
    assertThat(found.finding()).contains("0644").doesNotContain(token);
    assertThat(fixed.fixed()).isTrue();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(home.authFile())))
        .isEqualTo("rw-------");
  }

  @Test
  void garbage_token_file_fails() throws IOException {
    CapstanHome home = home();
    Files.writeString(home.authFile(), "\u0000garbage");

    Check found = HomeChecks.auth(home, false);

    assertThat(found.status()).isEqualTo(Check.Status.FAIL);
    assertThat(found.fix()).contains("capstan daemon restart");
  }

  @Test
  void garbage_config_fails_naming_the_key_and_doctor_goes_on_with_the_defaults()
      throws IOException {
    CapstanHome home = home();
    Files.writeString(home.configFile(), "[daemon]\nport = \"not a port\"\n");

    HomeChecks.Config config = HomeChecks.config(home, Map.of());

    assertThat(config.check().status()).isEqualTo(Check.Status.FAIL);
    assertThat(config.check().finding()).contains("daemon.port");
    assertThat(config.settings().daemon().port()).isEqualTo(CapstanSettings.DEFAULT_PORT);
  }

  @Test
  void unknown_config_key_fails_naming_it() throws IOException {
    CapstanHome home = home();
    Files.writeString(home.configFile(), "[daemon]\nprot = 7000\n");

    HomeChecks.Config config = HomeChecks.config(home, Map.of());

    assertThat(config.check().status()).isEqualTo(Check.Status.FAIL);
    assertThat(config.check().finding()).contains("daemon.prot");
  }

  @Test
  void corrupt_database_fails_its_check() throws IOException {
    CapstanHome home = home();
    Files.write(
        home.databaseFile(), "this is no database".repeat(100).getBytes(StandardCharsets.UTF_8));

    Check found = DatabaseCheck.check(home.databaseFile());

    assertThat(found.status()).isEqualTo(Check.Status.FAIL);
  }

  @Test
  void listening_sockets_are_read_from_the_kernel_table() {
    List<String> table =
        List.of(
            "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid"
                + "  timeout inode",
            "   0: 0100007F:1CFF 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000"
                + "        0 4242 1 0000000000000000 100 0 0 10 0",
            "   1: 0100007F:1D00 0100007F:9C40 01 00000000:00000000 00:00000000 00000000  1000"
                + "        0 4343 1 0000000000000000 100 0 0 10 0");

    assertThat(Listeners.parse(table)).containsExactly(new Listeners.Listener(7423, 4242));
  }

  @Test
  void preferred_port_taken_by_another_program_is_named() {
    CapstanSettings.DaemonSettings daemon = daemonSettings(7423, new PortRange(7424, 7425));
    Listeners.Owner owner = new Listeners.Owner(99, "python3 -m http.server 7423");

    Check found =
        PortCheck.check(
            daemon,
            Optional.empty(),
            port -> new Listeners.PortUse(port == 7423, Optional.of(owner)));

    assertThat(found.status()).isEqualTo(Check.Status.WARN);
    assertThat(found.finding()).contains("pid 99").contains("python3");
  }

  @Test
  void exhausted_port_range_fails() {
    CapstanSettings.DaemonSettings daemon = daemonSettings(7423, new PortRange(7424, 7425));

    Check found =
        PortCheck.check(
            daemon, Optional.empty(), port -> new Listeners.PortUse(true, Optional.empty()));

    assertThat(found.status()).isEqualTo(Check.Status.FAIL);
    assertThat(found.finding()).contains("7424-7425");
  }

  private static CapstanSettings.DaemonSettings daemonSettings(int port, PortRange range) {
    return new CapstanSettings.DaemonSettings(
        "127.0.0.1", port, range, Duration.ofSeconds(10), Duration.ofSeconds(10));
  }

  private static DaemonManifest manifest(CapstanHome home, long pid, Instant startedAt) {
    return new DaemonManifest(
        DaemonManifest.FORMAT_VERSION,
        "instance-1",
        pid,
        startedAt,
        "127.0.0.1",
        7423,
        "http://127.0.0.1:7423",
        NOW,
        home.root().toString(),
        home.logFile().toString(),
        "0.1.0");
  }
}
