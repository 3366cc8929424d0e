package dev.capstan.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * The event log as a user meets it, through the real jar: {@code capstan events} lists the system
 * stream, and {@code capstan events -f} keeps following it across a restart, a crash (the guardian
 * starts a new daemon) and a deliberate stop (it waits, and starts nothing), printing every event
 * exactly once.
 */
@EnabledOnOs(OS.LINUX)
class EventLogScenarioIT {
  private static final Duration PATIENCE = Duration.ofSeconds(30);
  private static final ObjectMapper JSON = new ObjectMapper();

  // why: every scenario starts several JVMs on small machines; these flags halve their start-up
  // CPU without changing behaviour.
  private static final List<String> FAST_JVM =
      List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto");

  @TempDir Path dir;

  private Path home;
  private final List<Process> launched = new CopyOnWriteArrayList<>();
  private int runs;

  @BeforeEach
  void create_home() {
    home = dir.resolve("home");
  }

  @AfterEach
  void kill_what_the_scenario_left() {
    launched.forEach(Process::destroyForcibly);
    for (long pid : daemonsOfHome()) {
      ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    }
    await("daemons of the scenario gone").atMost(PATIENCE).until(() -> daemonsOfHome().isEmpty());
  }

  @Test
  void events_lists_daemon_started_on_the_system_stream() throws IOException {
    run("daemon", "start").assertExit(0);
    JsonNode manifest = manifest();

    Result json = run("events", "--json");
    Result human = run("events");

    json.assertExit(0);
    JsonNode first = JSON.readTree(json.stdout().lines().findFirst().orElseThrow());
    assertThat(first.path("v").asInt()).isEqualTo(1);
    assertThat(first.path("stream").asText()).isEqualTo("system");
    assertThat(first.path("seq").asLong()).isEqualTo(1);
    assertThat(first.path("type").asText()).isEqualTo("daemon.started");
    assertThat(first.path("data").path("pid").asLong()).isEqualTo(manifest.path("pid").asLong());
    assertThat(first.path("data").path("instanceId").asText())
        .isEqualTo(manifest.path("instanceId").asText());
    assertThat(first.path("data").path("url").asText()).isEqualTo(manifest.path("url").asText());
    human.assertExit(0);
    assertThat(human.stdout()).contains("system#1").contains("daemon.started");
  }

  @Test
  void an_unknown_stream_is_refused_with_a_clear_message_before_any_daemon_starts() {
    Result result = run("events", "--stream", "nope");

    assertThat(result.exitCode()).as("%s", result).isNotZero();
    assertThat(result.stderr()).contains("Unknown stream 'nope'").doesNotContain("Exception");
    assertThat(home.resolve("daemon.json")).doesNotExist();
  }

  @Test
  void following_survives_a_restart_and_prints_every_event_once() {
    run("daemon", "start").assertExit(0);
    Follower follower = follow();
    follower.awaitSeq(1);

    run("daemon", "restart").assertExit(0);

    String restarted = manifest().path("instanceId").asText();
    follower.awaitStarted(restarted);
    assertThat(follower.events())
        .extracting(event -> event.path("seq").asLong() + " " + event.path("type").asText())
        .containsExactly("1 daemon.started", "2 daemon.stopping", "3 daemon.started");
    assertThat(follower.stderr()).contains("reconnecting").contains("resuming after seq 1");
    assertThat(follower.process().isAlive()).isTrue();
  }

  @Test
  void following_resumes_after_a_crash_on_the_daemon_the_guardian_starts() {
    run("daemon", "start").assertExit(0);
    long crashed = manifest().path("pid").asLong();
    Follower follower = follow();
    follower.awaitSeq(1);

    ProcessHandle.of(crashed).ifPresent(ProcessHandle::destroyForcibly);

    await("a new daemon in the manifest")
        .atMost(PATIENCE)
        .until(() -> manifestPid() != crashed && manifestPid() > 0);
    follower.awaitStarted(manifest().path("instanceId").asText());
    assertThat(follower.events())
        .extracting(event -> event.path("seq").asLong() + " " + event.path("type").asText())
        .containsExactly("1 daemon.started", "2 daemon.started");
    assertThat(follower.events().get(1).path("data").path("pid").asLong())
        .isEqualTo(manifestPid())
        .isNotEqualTo(crashed);
    assertThat(follower.stderr())
        .contains("reconnecting")
        .contains("(pid " + crashed + ") is gone")
        .contains("started a new daemon");
    assertThat(daemonsOfHome()).containsExactly(manifestPid());
  }

  @Test
  void following_waits_for_a_stopped_daemon_without_starting_one() {
    run("daemon", "start").assertExit(0);
    Follower follower = follow();
    follower.awaitSeq(1);

    run("daemon", "stop").assertExit(0);

    await("the follower noticed the stop twice")
        .atMost(PATIENCE)
        .until(() -> follower.stderr().split("the daemon is stopped", -1).length > 2);
    assertThat(home.resolve("daemon.json")).doesNotExist();
    assertThat(daemonsOfHome()).isEmpty();
    run("daemon", "start").assertExit(0);
    follower.awaitStarted(manifest().path("instanceId").asText());
    assertThat(follower.events())
        .extracting(event -> event.path("seq").asLong() + " " + event.path("type").asText())
        .containsExactly("1 daemon.started", "2 daemon.stopping", "3 daemon.started");
  }

  // --- the jar as a user runs it

  /** What one finished command did. */
  record Result(List<String> args, int exitCode, String stdout, String stderr) {
    Result assertExit(int expected) {
      assertThat(exitCode).as("exit status of %s", this).isEqualTo(expected);
      return this;
    }

    @Override
    public String toString() {
      return "capstan "
          + String.join(" ", args)
          + " (exit "
          + exitCode
          + ")\n--- stdout\n"
          + stdout
          + "--- stderr\n"
          + stderr;
    }
  }

  /** A running {@code capstan events -f --json}. */
  record Follower(Process process, Path stdoutFile, Path stderrFile) {
    List<JsonNode> events() {
      List<JsonNode> events = new ArrayList<>();
      for (String line : read(stdoutFile).lines().toList()) {
        try {
          events.add(JSON.readTree(line));
        } catch (IOException e) {
          throw new AssertionError("the follower printed a line that is not JSON: " + line, e);
        }
      }
      return events;
    }

    String stderr() {
      return read(stderrFile);
    }

    void awaitSeq(long seq) {
      await("seq " + seq + " printed; stderr: " + stderr())
          .atMost(PATIENCE)
          .until(() -> events().stream().anyMatch(event -> event.path("seq").asLong() == seq));
    }

    void awaitStarted(String instanceId) {
      await("daemon.started of " + instanceId + " printed; stderr: " + stderr())
          .atMost(PATIENCE)
          .until(
              () ->
                  events().stream()
                      .anyMatch(
                          event ->
                              event.path("type").asText().equals("daemon.started")
                                  && event
                                      .path("data")
                                      .path("instanceId")
                                      .asText()
                                      .equals(instanceId)));
    }
  }

  private Follower follow() {
    int index = ++runs;
    Path out = dir.resolve("follow-" + index + ".out");
    Path err = dir.resolve("follow-" + index + ".err");
    Process process = start(List.of("events", "-f", "--json"), out, err);
    return new Follower(process, out, err);
  }

  private Result run(String... args) {
    int index = ++runs;
    Path out = dir.resolve("run-" + index + ".out");
    Path err = dir.resolve("run-" + index + ".err");
    Process process = start(List.of(args), out, err);
    try {
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError(
            "capstan " + String.join(" ", args) + " did not exit; stderr: " + read(err));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
    return new Result(List.of(args), process.exitValue(), read(out), read(err));
  }

  private Process start(List<String> args, Path out, Path err) {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElseThrow());
    command.addAll(FAST_JVM);
    command.add("-jar");
    command.add(jar().toString());
    command.addAll(args);
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
    // why: the machine's own CAPSTAN_* settings must not leak into the scenario.
    builder.environment().keySet().removeIf(name -> name.startsWith("CAPSTAN_"));
    builder
        .environment()
        .putAll(
            Map.of(
                "CAPSTAN_HOME",
                home.toString(),
                "CAPSTAN_PORT",
                "0",
                "CAPSTAN_SHUTDOWN_TIMEOUT",
                "3s",
                "CAPSTAN_DAEMON_JAVA_OPTS",
                String.join(" ", FAST_JVM)));
    try {
      Process process = builder.start();
      launched.add(process);
      return process;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + command, e);
    }
  }

  private JsonNode manifest() {
    try {
      return JSON.readTree(Files.readAllBytes(home.resolve("daemon.json")));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the manifest", e);
    }
  }

  /** The pid in the manifest, 0 while there is none (or it is being rewritten). */
  private long manifestPid() {
    try {
      return JSON.readTree(Files.readAllBytes(home.resolve("daemon.json"))).path("pid").asLong();
    } catch (IOException e) {
      return 0;
    }
  }

  /** Live {@code capstan daemon run} JVMs of this scenario's home, found in {@code /proc}. */
  private List<Long> daemonsOfHome() {
    List<Long> pids = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
      for (Path entry : entries) {
        String cmdline = readQuietly(entry.resolve("cmdline")).replace('\0', ' ');
        String environ = readQuietly(entry.resolve("environ"));
        String state = readQuietly(entry.resolve("stat"));
        boolean zombie = state.contains(") Z") || state.contains(") X");
        if (cmdline.contains("capstan.jar daemon run")
            && environ.contains("CAPSTAN_HOME=" + home + "\0")
            && !zombie) {
          pids.add(Long.parseLong(entry.getFileName().toString()));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list /proc", e);
    }
    return pids;
  }

  private static Path jar() {
    String configured = System.getProperty("capstan.jar");
    assertThat(configured).as("system property capstan.jar (set by failsafe)").isNotBlank();
    Path jar = Path.of(configured);
    assertThat(jar).as("the shaded jar; run `mvn package` first").isRegularFile();
    return jar;
  }

  private static String read(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  /** A file of {@code /proc} as bytes in a string; empty once the process is gone. */
  private static String readQuietly(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file, StandardCharsets.ISO_8859_1) : "";
    } catch (IOException e) {
      return "";
    }
  }
}
