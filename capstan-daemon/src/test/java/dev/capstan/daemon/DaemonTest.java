package dev.capstan.daemon;

import static dev.capstan.manifest.ManifestBuilder.aManifest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.capstan.auth.AuthToken;
import dev.capstan.auth.TokenFile;
import dev.capstan.error.ExitCode;
import dev.capstan.home.CapstanHome;
import dev.capstan.manifest.DaemonManifest;
import dev.capstan.manifest.ManifestFile;
import dev.capstan.process.ChildLockHolder;
import dev.capstan.process.LockProbe;
import dev.capstan.time.MutableClock;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DaemonTest {
  @TempDir Path home;

  @Test
  void start_writes_an_owner_only_manifest_naming_this_process_and_the_bound_port()
      throws IOException {
    try (RunningDaemon daemon = RunningDaemon.start(home)) {
      ManifestFile.Read read = new ManifestFile(daemon.home().manifestFile()).read();

      assertThat(read).isEqualTo(new ManifestFile.Read.Valid(daemon.manifest()));
      DaemonManifest manifest = daemon.manifest();
      assertThat(manifest.pid()).isEqualTo(ProcessHandle.current().pid());
      assertThat(manifest.port()).isPositive();
      assertThat(manifest.url()).isEqualTo("http://127.0.0.1:" + manifest.port());
      assertThat(manifest.home()).isEqualTo(home.toAbsolutePath().normalize().toString());
      assertThat(manifest.logPath()).isEqualTo(daemon.home().logFile().toString());
      assertThat(manifest.startedAt()).isEqualTo(MutableClock.DEFAULT_START);
      assertThat(mode(daemon.home().manifestFile())).isEqualTo("rw-------");
      assertThat(mode(daemon.home().authFile())).isEqualTo("rw-------");
      assertThat(mode(daemon.home().root())).isEqualTo("rwx------");
      assertThat(Files.readString(daemon.home().manifestFile()))
          .doesNotContain(daemon.token().value());
    }
  }

  @Test
  void the_lock_is_held_by_this_process_while_the_daemon_runs() {
    try (RunningDaemon daemon = RunningDaemon.start(home)) {
      LockProbe.LockState lock = LockProbe.holderOf(daemon.home().lockFile());

      assertThat(lock).isEqualTo(new LockProbe.LockState.Held(ProcessHandle.current().pid()));
    }
  }

  @Test
  void a_second_daemon_on_the_same_home_is_refused_naming_the_first() {
    try (RunningDaemon first = RunningDaemon.start(home)) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();

      assertThatThrownBy(
              () -> Daemon.start(RunningDaemon.options(home, Map.of(), MutableClock.create(), out)))
          .isInstanceOfSatisfying(
              HomeOwned.class,
              e -> {
                assertThat(e.ownerPid()).isEqualTo(first.manifest().pid());
                assertThat(e.getMessage())
                    .contains("pid " + first.manifest().pid())
                    .contains(first.url())
                    .contains(home.toAbsolutePath().normalize().toString());
                assertThat(e.hint()).contains("capstan daemon stop");
              });
      assertThat(new ManifestFile(first.home().manifestFile()).read())
          .isEqualTo(new ManifestFile.Read.Valid(first.manifest()));
      assertThat(first.send(first.request("/api/health").GET()).body()).isEqualTo("ok");
    }
  }

  @Test
  void a_home_locked_by_another_process_is_refused_naming_that_process_and_left_untouched() {
    CapstanHome capstanHome = new CapstanHome(home).ensureExists();

    try (ChildLockHolder owner = ChildLockHolder.start(capstanHome.lockFile())) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();

      assertThatThrownBy(
              () -> Daemon.start(RunningDaemon.options(home, Map.of(), MutableClock.create(), out)))
          .isInstanceOfSatisfying(
              HomeOwned.class,
              e -> {
                assertThat(e.ownerPid()).isEqualTo(owner.pid());
                assertThat(e.getMessage()).contains("pid " + owner.pid());
              });
      assertThat(capstanHome.manifestFile()).doesNotExist();
      assertThat(capstanHome.authFile()).doesNotExist();
      assertThat(capstanHome.logFile()).doesNotExist();
    }
  }

  @Test
  void stop_removes_the_manifest_and_releases_the_lock() {
    RunningDaemon daemon = RunningDaemon.start(home);

    daemon.close();

    assertThat(new ManifestFile(daemon.home().manifestFile()).read())
        .isEqualTo(new ManifestFile.Read.Missing());
    assertThat(LockProbe.holderOf(daemon.home().lockFile()))
        .isEqualTo(new LockProbe.LockState.Free());
    assertThat(daemon.console()).contains("Capstan daemon stopped (test finished).");
  }

  @Test
  void after_stop_a_new_daemon_starts_on_the_same_home_with_the_same_token() {
    AuthToken token;
    String firstInstance;
    try (RunningDaemon first = RunningDaemon.start(home)) {
      token = first.token();
      firstInstance = first.manifest().instanceId();
    }

    try (RunningDaemon second = RunningDaemon.start(home)) {
      assertThat(second.manifest().instanceId()).isNotEqualTo(firstInstance);
      assertThat(second.token()).isEqualTo(token);
      assertThat(second.get("/api/daemon").statusCode()).isEqualTo(200);
    }
  }

  @Test
  void stop_is_idempotent() {
    RunningDaemon daemon = RunningDaemon.start(home);

    daemon.daemon().stop("first");
    daemon.daemon().stop("second");

    assertThat(daemon.console()).contains("stopped (first)").doesNotContain("stopped (second)");
  }

  @Test
  void stop_leaves_a_successors_manifest_alone() {
    RunningDaemon daemon = RunningDaemon.start(home);
    ManifestFile manifestFile = new ManifestFile(daemon.home().manifestFile());
    DaemonManifest successor = aManifest().withInstanceId("successor").build();
    manifestFile.write(successor);

    daemon.close();

    assertThat(manifestFile.read()).isEqualTo(new ManifestFile.Read.Valid(successor));
  }

  @Test
  void the_shutdown_route_asks_the_daemon_to_stop() {
    try (RunningDaemon daemon = RunningDaemon.start(home)) {
      CompletableFuture<Void> stopRequested =
          CompletableFuture.runAsync(() -> daemon.daemon().awaitStopRequest());

      var response =
          daemon.post("/api/daemon/shutdown", Optional.of("{\"reason\":\"maintenance\"}"));

      assertThat(response.statusCode()).isEqualTo(202);
      await().atMost(Duration.ofSeconds(10)).until(stopRequested::isDone);
    }
  }

  @Test
  void a_stale_manifest_of_a_crashed_daemon_is_replaced() {
    CapstanHome capstanHome = new CapstanHome(home).ensureExists();
    new ManifestFile(capstanHome.manifestFile())
        .write(aManifest().withInstanceId("crashed").build());

    try (RunningDaemon daemon = RunningDaemon.start(home)) {
      assertThat(new ManifestFile(capstanHome.manifestFile()).read())
          .isEqualTo(new ManifestFile.Read.Valid(daemon.manifest()));
      assertThat(daemon.manifest().instanceId()).isNotEqualTo("crashed");
    }
  }

  @Test
  void a_corrupt_manifest_is_moved_aside_at_start() throws IOException {
    CapstanHome capstanHome = new CapstanHome(home).ensureExists();
    Files.writeString(capstanHome.manifestFile(), "{\"version\":1,\"pid\":");

    try (RunningDaemon daemon = RunningDaemon.start(home)) {
      Path aside = home.resolve("daemon.json.corrupt-20300102T030405.000Z");
      assertThat(aside).hasContent("{\"version\":1,\"pid\":");
      assertThat(new ManifestFile(capstanHome.manifestFile()).read())
          .isEqualTo(new ManifestFile.Read.Valid(daemon.manifest()));
    }
  }

  @Test
  void a_taken_preferred_port_falls_back_to_the_first_free_port_of_the_range() throws IOException {
    List<ServerSocket> squatters = Ports.squatContiguous(4);
    int preferred = squatters.get(0).getLocalPort();
    int first = squatters.get(1).getLocalPort();
    int free = squatters.get(3).getLocalPort();
    squatters.get(3).close();

    try (RunningDaemon daemon =
        RunningDaemon.start(
            home,
            Map.of(
                "daemon.port",
                Integer.toString(preferred),
                "daemon.portRange",
                first + "-" + free))) {
      assertThat(daemon.manifest().port()).isEqualTo(free);
      assertThat(daemon.console())
          .contains(
              "Port "
                  + preferred
                  + " is in use. Starting daemon on available port "
                  + free
                  + " instead.");
      assertThat(daemon.send(daemon.request("/api/health").GET()).body()).isEqualTo("ok");
    } finally {
      Ports.closeAll(squatters);
    }
  }

  @Test
  void a_free_preferred_port_is_used_without_a_notice() throws IOException {
    List<ServerSocket> ports = Ports.squatContiguous(2);
    int preferred = ports.get(0).getLocalPort();
    Ports.closeAll(ports);

    try (RunningDaemon daemon =
        RunningDaemon.start(
            home,
            Map.of(
                "daemon.port",
                Integer.toString(preferred),
                "daemon.portRange",
                (preferred + 1) + "-" + (preferred + 1)))) {
      assertThat(daemon.manifest().port()).isEqualTo(preferred);
      assertThat(daemon.console()).doesNotContain("is in use");
    }
  }

  @Test
  void when_every_port_is_taken_start_fails_naming_the_range_and_releases_the_home()
      throws IOException {
    List<ServerSocket> squatters = Ports.squatContiguous(3);
    int preferred = squatters.get(0).getLocalPort();
    String range = squatters.get(1).getLocalPort() + "-" + squatters.get(2).getLocalPort();
    ByteArrayOutputStream out = new ByteArrayOutputStream();

    try {
      assertThatThrownBy(
              () ->
                  Daemon.start(
                      RunningDaemon.options(
                          home,
                          Map.of(
                              "daemon.port",
                              Integer.toString(preferred),
                              "daemon.portRange",
                              range),
                          MutableClock.create(),
                          out)))
          .isInstanceOfSatisfying(
              NoFreePort.class,
              e -> {
                assertThat(e.getMessage()).contains("port " + preferred).contains(range);
                assertThat(e.hint()).contains("--port").contains("CAPSTAN_PORT_RANGE");
              });
    } finally {
      Ports.closeAll(squatters);
    }

    CapstanHome capstanHome = new CapstanHome(home);
    assertThat(capstanHome.manifestFile()).doesNotExist();
    assertThat(LockProbe.holderOf(capstanHome.lockFile()))
        .isEqualTo(new LockProbe.LockState.Free());
    try (RunningDaemon next = RunningDaemon.start(home)) {
      assertThat(next.manifest().port()).isPositive();
    }
  }

  @Test
  void run_serves_until_asked_to_stop_and_then_exits_ok() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    DaemonOptions options = RunningDaemon.options(home, Map.of(), MutableClock.create(), out);
    ManifestFile manifestFile = new ManifestFile(options.home().manifestFile());
    CompletableFuture<ExitCode> run = CompletableFuture.supplyAsync(() -> Daemon.run(options));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> manifestFile.read() instanceof ManifestFile.Read.Valid);
    DaemonManifest manifest = ((ManifestFile.Read.Valid) manifestFile.read()).manifest();

    int status = shutdownOverHttp(manifest, options.home());

    assertThat(status).isEqualTo(202);
    await().atMost(Duration.ofSeconds(30)).until(run::isDone);
    assertThat(run.join()).isEqualTo(ExitCode.OK);
    assertThat(manifestFile.read()).isEqualTo(new ManifestFile.Read.Missing());
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("stopped (from a test)");
  }

  @Test
  void run_exits_home_owned_when_another_process_owns_the_home() {
    CapstanHome capstanHome = new CapstanHome(home).ensureExists();
    ByteArrayOutputStream out = new ByteArrayOutputStream();

    try (ChildLockHolder owner = ChildLockHolder.start(capstanHome.lockFile())) {
      ExitCode exit = Daemon.run(RunningDaemon.options(home, Map.of(), MutableClock.create(), out));

      assertThat(exit).isEqualTo(ExitCode.HOME_OWNED);
      assertThat(out.toString(StandardCharsets.UTF_8))
          .contains("pid " + owner.pid())
          .contains("capstan daemon stop");
    }
  }

  @Test
  void run_exits_no_free_port_when_every_port_is_taken() throws IOException {
    List<ServerSocket> squatters = Ports.squatContiguous(2);
    Map<String, String> flags =
        Map.of(
            "daemon.port",
            Integer.toString(squatters.get(0).getLocalPort()),
            "daemon.portRange",
            squatters.get(1).getLocalPort() + "-" + squatters.get(1).getLocalPort());
    ByteArrayOutputStream out = new ByteArrayOutputStream();

    try {
      ExitCode exit = Daemon.run(RunningDaemon.options(home, flags, MutableClock.create(), out));

      assertThat(exit).isEqualTo(ExitCode.NO_FREE_PORT);
      assertThat(out.toString(StandardCharsets.UTF_8)).contains("are in use");
    } finally {
      Ports.closeAll(squatters);
    }
  }

  @Test
  void run_exits_usage_when_the_host_is_not_an_address_of_this_machine() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    // why: 192.0.2.0/24 is TEST-NET-1, never an address of this machine.
    Map<String, String> flags = Map.of("daemon.host", "192.0.2.1");

    ExitCode exit = Daemon.run(RunningDaemon.options(home, flags, MutableClock.create(), out));

    assertThat(exit).isEqualTo(ExitCode.USAGE);
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("WARNING: binding to 192.0.2.1")
        .contains("Cannot bind 192.0.2.1");
    assertThat(LockProbe.holderOf(new CapstanHome(home).lockFile()))
        .isEqualTo(new LockProbe.LockState.Free());
  }

  @Test
  void start_creates_a_missing_home() {
    Path nested = home.resolve("not/yet/there");

    try (RunningDaemon daemon = RunningDaemon.start(nested)) {
      assertThat(daemon.home().root()).isDirectory();
      assertThat(daemon.get("/api/daemon").statusCode()).isEqualTo(200);
    }
  }

  private static int shutdownOverHttp(DaemonManifest manifest, CapstanHome home) {
    AuthToken token = new TokenFile(home.authFile(), new SecureRandom()).read().orElseThrow();
    try (HttpClient client = HttpClient.newHttpClient()) {
      return client
          .send(
              HttpRequest.newBuilder(URI.create(manifest.url() + "/api/daemon/shutdown"))
                  .header("Authorization", "Bearer " + token.value())
                  .POST(HttpRequest.BodyPublishers.ofString("{\"reason\":\"from a test\"}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString())
          .statusCode();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static String mode(Path path) throws IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
  }
}
