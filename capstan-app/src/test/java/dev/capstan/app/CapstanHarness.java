package dev.capstan.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The world of one scenario: a fresh Capstan home, private ports, and the real {@code capstan.jar}
 * run as separate processes, exactly as a user runs it. {@link #close} kills whatever the scenario
 * left running in its home (after checking each pid is a Capstan daemon of that home), so nothing
 * leaks into the next scenario.
 *
 * <p>Scenarios run in {@code verify} against the shaded jar: {@code mvn -pl capstan-app -am
 * verify}, or one class with {@code -Dit.test=DaemonLifecycleScenarioIT}. They need Linux ({@code
 * /proc}), {@code kill}, {@code ps} and {@code sleep}.
 *
 * <p>Confined to the test thread.
 */
final class CapstanHarness implements AutoCloseable {
  /** How long one command may take before the scenario fails. */
  static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(60);

  /** How long a scenario waits for something that should happen within a second or two. */
  static final Duration PATIENCE = Duration.ofSeconds(20);

  // why: scenarios start dozens of short-lived JVMs on small machines; these flags halve their
  // start-up CPU without changing behaviour.
  private static final List<String> FAST_JVM =
      List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path workDir;
  private final Path home;
  private final ScenarioPorts ports;
  private final Map<String, String> env = new LinkedHashMap<>();
  private final List<Process> launched = new CopyOnWriteArrayList<>();
  private final AtomicInteger runs = new AtomicInteger();

  /**
   * @param workDir an empty directory owned by this scenario (a JUnit {@code @TempDir})
   */
  CapstanHarness(Path workDir) {
    this.workDir = workDir.toAbsolutePath().normalize();
    try {
      Files.createDirectories(this.workDir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + this.workDir, e);
    }
    this.home = this.workDir.resolve("home");
    this.ports = ScenarioPorts.allocate();
    env.put("CAPSTAN_HOME", home.toString());
    env.put("CAPSTAN_PORT", Integer.toString(ports.preferred()));
    env.put("CAPSTAN_PORT_RANGE", ports.range());
    // why: a daemon that ignores the shutdown route is signalled after this plus 5 s; the
    // default would make every scenario with a hung daemon wait 15 s.
    env.put("CAPSTAN_SHUTDOWN_TIMEOUT", "3s");
    env.put("CAPSTAN_DAEMON_JAVA_OPTS", String.join(" ", FAST_JVM));
  }

  /** The scenario's Capstan home ({@code CAPSTAN_HOME}); it does not exist until Capstan runs. */
  Path home() {
    return home;
  }

  /** The scenario's private ports. */
  ScenarioPorts ports() {
    return ports;
  }

  /** Sets an environment variable for every later command. */
  CapstanHarness withEnv(String name, String value) {
    env.put(name, value);
    return this;
  }

  /** Runs {@code capstan args...} and waits for it to exit. */
  CliResult run(String... args) {
    return run(Map.of(), args);
  }

  /** Runs {@code capstan args...} with extra environment variables and waits for it to exit. */
  CliResult run(Map<String, String> extraEnv, String... args) {
    return start(extraEnv, args).awaitExit();
  }

  /** Runs {@code capstan args...} with {@code input} on its standard input. */
  CliResult runWithInput(byte[] input, String... args) {
    Path in = workDir.resolve("stdin-" + runs.get() + "-" + input.length);
    try {
      Files.write(in, input);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + in, e);
    }
    return start(Map.of(), in, args).awaitExit();
  }

  /** Runs {@code capstan args... --json}, expects exit 0 and returns the printed JSON. */
  JsonNode json(String... args) {
    List<String> withJson = new ArrayList<>(List.of(args));
    withJson.add("--json");
    CliResult result = run(withJson.toArray(String[]::new)).assertExit(0);
    try {
      return JSON.readTree(result.stdout());
    } catch (IOException e) {
      throw new AssertionError("not JSON: " + result, e);
    }
  }

  /** Calls the daemon's API directly with the home's token; the answer's JSON (or null). */
  JsonNode api(String method, String path, String jsonBody) {
    try (DaemonHttp http = http()) {
      DaemonHttp.Reply reply =
          http.authorized(
              method,
              path,
              token(),
              jsonBody == null
                  ? java.net.http.HttpRequest.BodyPublishers.noBody()
                  : java.net.http.HttpRequest.BodyPublishers.ofString(jsonBody));
      if (reply.status() >= 300) {
        throw new AssertionError(method + " " + path + " answered " + reply);
      }
      return reply.body().isBlank() ? null : JSON.readTree(reply.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Agent and setup processes this home's daemons started, as their run marker names them. */
  List<Long> agentProcesses() {
    return ProcFs.markedProcessesOf(home);
  }

  /**
   * Starts {@code count} copies of {@code capstan args...} at once and waits for all of them. Every
   * process is started before the first one is waited for, so they really race.
   */
  List<CliResult> runConcurrently(int count, String... args) {
    List<Running> running = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      running.add(start(Map.of(), args));
    }
    return running.stream().map(Running::awaitExit).toList();
  }

  /**
   * Starts {@code capstan args...} (typically {@code daemon run}) and leaves it running; {@link
   * #close} kills it if the scenario does not.
   */
  Running launch(String... args) {
    return start(Map.of(), args);
  }

  /**
   * Starts {@code capstan args...} (typically {@code chat}) with a pipe to its standard input, as a
   * person typing at it would; {@link #close} kills it if the scenario does not.
   */
  Interactive interactive(String... args) {
    return new Interactive(start(Map.of(), ProcessBuilder.Redirect.PIPE, args));
  }

  /** Runs {@code capstan daemon start}, expects success, and returns the manifest. */
  Manifest startDaemon() {
    run("daemon", "start").assertExit(0);
    assertThat(healthy()).as("daemon healthy after start").isTrue();
    return manifest();
  }

  /** Whether the daemon the manifest names answers its health probe. */
  boolean healthy() {
    Optional<Manifest> manifest = manifestIfPresent();
    if (manifest.isEmpty()) {
      return false;
    }
    try (DaemonHttp http = http(manifest.get())) {
      return http.healthy();
    }
  }

  /** The manifest ({@code daemon.json}), which must exist and be valid. */
  Manifest manifest() {
    return Manifest.parse(readJson(home.resolve("daemon.json")));
  }

  /** The manifest if {@code daemon.json} exists and is valid JSON. */
  Optional<Manifest> manifestIfPresent() {
    Path file = home.resolve("daemon.json");
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    try {
      return Optional.of(Manifest.parse(JSON.readTree(Files.readAllBytes(file))));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** The bearer token in {@code auth.json}. */
  String token() {
    String token = readJson(home.resolve("auth.json")).path("token").asText("");
    assertThat(token).as("token in auth.json").isNotBlank();
    return token;
  }

  /** {@code token} with its first character changed: the same length, but wrong. */
  static String tampered(String token) {
    return (token.charAt(0) == 'x' ? "y" : "x") + token.substring(1);
  }

  /** An HTTP client for the daemon the manifest names. */
  DaemonHttp http() {
    return http(manifest());
  }

  /** An HTTP client for the daemon {@code manifest} names. */
  DaemonHttp http(Manifest manifest) {
    return new DaemonHttp(manifest.url());
  }

  /** The pids holding the OS lock on {@code daemon.lock}. */
  List<Long> lockHolders() {
    return ProcFs.lockHolders(home.resolve("daemon.lock"));
  }

  /** Every live Capstan daemon process of this home. */
  List<Long> daemonProcesses() {
    return ProcFs.capstanDaemonsOf(home);
  }

  /** Starts a process that has nothing to do with Capstan; {@link #close} kills it. */
  Process startForeign(String... command) {
    try {
      Process process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      launched.add(process);
      return process;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + String.join(" ", command), e);
    }
  }

  /** Sends {@code signal} (for example {@code STOP}) to {@code pid} with the system kill. */
  void signal(long pid, String signal) {
    try {
      Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).start();
      assertThat(kill.waitFor(10, TimeUnit.SECONDS))
          .as("kill -%s %d returned", signal, pid)
          .isTrue();
      assertThat(kill.exitValue()).as("kill -%s %d", signal, pid).isZero();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run kill", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /**
   * Kills {@code pid} with SIGKILL, as a crash or the OOM killer would, and waits until it is gone.
   */
  void crash(long pid) {
    ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    await("pid " + pid + " gone").atMost(PATIENCE).until(() -> !ProcFs.isLive(pid));
  }

  /** Waits until no Capstan daemon of this home runs any more. */
  void awaitNoDaemon() {
    await("no daemon of " + home)
        .atMost(PATIENCE)
        .until(() -> daemonProcesses().isEmpty() && lockHolders().isEmpty());
  }

  /** Reads a file of the home as text. */
  String read(String relativePath) {
    try {
      return Files.readString(home.resolve(relativePath), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + relativePath, e);
    }
  }

  /** Writes a file of the home, creating the home if needed. */
  void write(String relativePath, byte[] content) {
    try {
      Path file = home.resolve(relativePath);
      Files.createDirectories(file.getParent());
      Files.write(file, content);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + relativePath, e);
    }
  }

  /** Writes a text file of the home, creating the home if needed. */
  void write(String relativePath, String content) {
    write(relativePath, content.getBytes(StandardCharsets.UTF_8));
  }

  /** The names of the files directly in the home. */
  List<String> homeFiles() {
    try (var files = Files.list(home)) {
      return files.map(file -> file.getFileName().toString()).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + home, e);
    }
  }

  @Override
  public void close() {
    for (Process process : launched) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
    }
    Set<Long> suspects = new LinkedHashSet<>(daemonProcesses());
    suspects.addAll(lockHolders());
    manifestIfPresent().ifPresent(manifest -> suspects.add(manifest.pid()));
    lockFilePid().ifPresent(suspects::add);
    for (long pid : suspects) {
      // why: only ever kill a Capstan daemon of this very home, never a recycled pid or a
      // daemon a developer or another build runs.
      if (ProcFs.isCapstanDaemonOf(pid, home)) {
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
      }
    }
    for (Process process : launched) {
      try {
        process.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    // why: a killed daemon leaves its agents (own process groups) running; they carry this
    // home's run marker and nothing else does.
    for (long pid : agentProcesses()) {
      ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    }
    await("scenario processes of " + home + " gone")
        .atMost(PATIENCE)
        .until(() -> daemonProcesses().isEmpty() && agentProcesses().isEmpty());
  }

  private Optional<Long> lockFilePid() {
    Path lock = home.resolve("daemon.lock");
    try {
      return Files.exists(lock)
          ? Optional.of(JSON.readTree(Files.readAllBytes(lock)).path("pid").asLong(0))
              .filter(pid -> pid > 0)
          : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private Running start(Map<String, String> extraEnv, String... args) {
    return start(extraEnv, Path.of("/dev/null"), args);
  }

  private Running start(Map<String, String> extraEnv, Path stdin, String... args) {
    return start(extraEnv, ProcessBuilder.Redirect.from(stdin.toFile()), args);
  }

  private Running start(
      Map<String, String> extraEnv, ProcessBuilder.Redirect stdin, String... args) {
    int index = runs.incrementAndGet();
    Path out = workDir.resolve("run-" + index + ".out");
    Path err = workDir.resolve("run-" + index + ".err");
    List<String> command = new ArrayList<>();
    command.add(javaBinary());
    command.addAll(FAST_JVM);
    command.add("-jar");
    command.add(jar().toString());
    command.addAll(List.of(args));
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(workDir.toFile())
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .redirectInput(stdin);
    // why: a developer's own CAPSTAN_* settings must not leak into a scenario.
    builder.environment().keySet().removeIf(name -> name.startsWith("CAPSTAN_"));
    builder.environment().putAll(env);
    builder.environment().putAll(extraEnv);
    try {
      Process process = builder.start();
      launched.add(process);
      return new Running(List.of(args), process, out, err);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + command, e);
    }
  }

  private static JsonNode readJson(Path file) {
    try {
      return JSON.readTree(Files.readAllBytes(file));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  private static String javaBinary() {
    return ProcessHandle.current()
        .info()
        .command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
  }

  private static Path jar() {
    String configured = System.getProperty("capstan.jar");
    assertThat(configured)
        .as("system property capstan.jar (set by failsafe to the shaded jar)")
        .isNotBlank();
    Path jar = Path.of(configured);
    assertThat(jar).as("the shaded jar; run `mvn package` first").isRegularFile();
    return jar;
  }

  /**
   * A capstan process the scenario started and has not waited for.
   *
   * @param args its arguments
   * @param process the process
   * @param stdoutFile where its standard output goes
   * @param stderrFile where its standard error goes
   */
  record Running(List<String> args, Process process, Path stdoutFile, Path stderrFile) {
    Running {
      args = List.copyOf(args);
    }

    /** What it printed on standard output so far. */
    String stdout() {
      return readQuietly(stdoutFile);
    }

    /** What it printed on standard error so far. */
    String stderr() {
      return readQuietly(stderrFile);
    }

    /** Its pid. */
    long pid() {
      return process.pid();
    }

    /**
     * Waits for it to exit and returns what it did; kills it and fails the scenario if it takes
     * longer than {@link #COMMAND_TIMEOUT}.
     */
    CliResult awaitExit() {
      boolean exited;
      try {
        exited = process.waitFor(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for capstan " + args, e);
      }
      if (!exited) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        throw new AssertionError(
            new CliResult(args, -1, stdout(), stderr())
                + "\ndid not exit within "
                + COMMAND_TIMEOUT);
      }
      return new CliResult(args, process.exitValue(), stdout(), stderr());
    }

    private static String readQuietly(Path file) {
      try {
        return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + file, e);
      }
    }
  }

  /**
   * A capstan process the scenario types at: lines go to its standard input as a person would type
   * them, signals go to its pid.
   *
   * @param running the process
   */
  record Interactive(Running running) {
    /** Types {@code line} and Enter. */
    void type(String line) {
      try {
        OutputStream in = running.process().getOutputStream();
        in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        in.flush();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot type at capstan " + running.args(), e);
      }
    }

    /** Closes its standard input, as Ctrl-D at a terminal does. */
    void endInput() {
      try {
        running.process().getOutputStream().close();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot close the input of capstan " + running.args(), e);
      }
    }

    /** Waits until its standard output contains {@code text}; returns all of it. */
    String awaitStdout(String text) {
      return await("stdout of capstan " + running.args() + " shows " + text)
          .atMost(PATIENCE)
          .failFast("capstan exited: " + running.stderr(), () -> !running.process().isAlive())
          .until(running::stdout, out -> out.contains(text));
    }

    /** Waits until its standard error contains {@code text}; returns all of it. */
    String awaitStderr(String text) {
      return await("stderr of capstan " + running.args() + " shows " + text)
          .atMost(PATIENCE)
          .failFast("capstan exited: " + running.stderr(), () -> !running.process().isAlive())
          .until(running::stderr, err -> err.contains(text));
    }
  }

  /**
   * The fields of {@code daemon.json} the scenarios look at.
   *
   * @param pid the daemon's pid
   * @param pidStartedAt its start time
   * @param port its port
   * @param url its base URL
   * @param instanceId the id of this daemon run
   * @param raw the whole file
   */
  record Manifest(
      long pid, Instant pidStartedAt, int port, String url, String instanceId, JsonNode raw) {
    static Manifest parse(JsonNode json) {
      return new Manifest(
          json.path("pid").asLong(),
          Instant.parse(json.path("pidStartedAt").asText()),
          json.path("port").asInt(),
          json.path("url").asText(),
          json.path("instanceId").asText(),
          json);
    }
  }
}
