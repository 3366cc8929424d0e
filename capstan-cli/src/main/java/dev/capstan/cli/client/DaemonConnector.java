package dev.capstan.cli.client;

import dev.capstan.auth.AuthToken;
import dev.capstan.auth.TokenFile;
import dev.capstan.cli.CliContext;
import dev.capstan.cli.CliException;
import dev.capstan.config.CapstanSettings;
import dev.capstan.error.ErrorCode;
import dev.capstan.error.ExitCode;
import dev.capstan.home.CapstanHome;
import dev.capstan.json.JsonText;
import dev.capstan.manifest.DaemonIdentity;
import dev.capstan.manifest.DaemonManifest;
import dev.capstan.manifest.ManifestFile;
import dev.capstan.process.LockProbe;
import dev.capstan.time.Stopwatch;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The crash guardian. Finds the daemon of this home and verifies it (manifest, pid and start time,
 * health, identity); if it is gone, cleans up and starts a new one, once, while concurrent CLIs
 * wait for that one; if it is alive but does not answer, says so and never starts a second daemon.
 *
 * <p>Confined to the command's thread.
 */
public final class DaemonConnector {
  private static final Duration POLL = Duration.ofMillis(50);
  private static final long MAX_CONSOLE_BYTES = 1 << 20;

  /** Health probes a live daemon must fail in a row before it is called hung. */
  private static final int HUNG_AFTER_FAILED_PROBES = 3;

  private final CliContext context;
  private final CapstanSettings settings;
  private final List<String> daemonArgs;
  private final CapstanHome home;
  private final ManifestFile manifestFile;
  private Optional<DaemonIdentity> lastIdentity = Optional.empty();

  /**
   * @param context the CLI surroundings
   * @param settings the resolved settings
   * @param daemonArgs flags passed on to a daemon this connector starts
   */
  public DaemonConnector(CliContext context, CapstanSettings settings, List<String> daemonArgs) {
    this.context = context;
    this.settings = settings;
    this.daemonArgs = List.copyOf(daemonArgs);
    this.home = context.home();
    this.manifestFile = new ManifestFile(home.manifestFile());
  }

  /** The home this connector guards. */
  public CapstanHome home() {
    return home;
  }

  /** Whether the CLI is pointed at a remote daemon ({@code CAPSTAN_URL}). */
  public boolean remote() {
    String url = context.env().get(CliContext.ENV_URL);
    return url != null && !url.isBlank();
  }

  /** A call against the daemon that may fail because the daemon went away. */
  @FunctionalInterface
  public interface DaemonCall<T> {
    T apply(Connection connection) throws IOException;
  }

  /**
   * Runs {@code call} against a verified daemon, starting one if needed; if the daemon vanishes
   * during the call, recovers and retries once.
   */
  public <T> T call(DaemonCall<T> call) {
    return call(Optional.empty(), call);
  }

  /**
   * Like {@link #call(DaemonCall)}, deciding first on {@code snapshot} when the caller already took
   * one (saves a second round of probes).
   */
  public <T> T call(Optional<GuardianSnapshot> snapshot, DaemonCall<T> call) {
    Connection connection = connect(snapshot, true);
    if (remote()) {
      try {
        return call.apply(connection);
      } catch (IOException first) {
        throw unreachableRemote(connection.url(), first);
      }
    }
    return retryingOnce(call, connection, this::connect, context.err());
  }

  /**
   * Runs {@code call} on {@code connection}; when that fails with an {@link IOException}, says so
   * on {@code err} and runs the very same call once more on a connection from {@code reconnect}. A
   * call that creates something must therefore carry its idempotency key in itself, drawn before
   * the first attempt, so both attempts send the same key.
   */
  static <T> T retryingOnce(
      DaemonCall<T> call, Connection connection, Supplier<Connection> reconnect, PrintStream err) {
    try {
      return call.apply(connection);
    } catch (IOException first) {
      err.println(
          "capstan: lost the daemon during the command ("
              + first.getMessage()
              + "); retrying once");
      Connection again = reconnect.get();
      try {
        return call.apply(again);
      } catch (IOException second) {
        throw new CliException(
            ExitCode.UNRESPONSIVE,
            ErrorCode.SERVICE_UNAVAILABLE,
            "The daemon at " + again.url() + " stopped answering: " + second.getMessage(),
            "See `capstan daemon logs` and `capstan daemon status`.",
            second);
      }
    }
  }

  /** Gathers the facts the guardian decides on. */
  public GuardianSnapshot snapshot() {
    return snapshot(false);
  }

  /**
   * Gathers the facts the guardian decides on.
   *
   * @param readLockAlways read who holds {@code daemon.lock} even when the daemon proved its
   *     identity; otherwise the lock is then taken as held by the manifest's pid, because a daemon
   *     takes its home's lock before anything else and holds it for life. Reading {@code
   *     /proc/locks} the first time in a process costs 10-20 ms on some kernels, most of a
   *     command's budget.
   */
  public GuardianSnapshot snapshot(boolean readLockAlways) {
    ManifestFile.Read read = manifestFile.read();
    if (!(read instanceof ManifestFile.Read.Valid valid) || !valid.manifest().process().isAlive()) {
      return new GuardianSnapshot(
          read,
          lockHolder(),
          false,
          GuardianSnapshot.Probe.NOT_PROBED,
          GuardianSnapshot.Identity.NOT_PROBED);
    }
    DaemonManifest manifest = valid.manifest();
    Duration probeTimeout = settings.client().probeTimeout();
    Optional<AuthToken> token = new TokenFile(home.authFile()).read();
    if (token.isEmpty()) {
      return probedHealth(read, manifest, probeTimeout, GuardianSnapshot.Identity.UNAUTHORIZED);
    }
    // why: one request, not a health probe and then an identity check: a daemon that answers
    // GET /api/daemon with 200 or 401 is both healthy and identified, and one that does not answer
    // at all is unresponsive. Only an unexpected answer needs the health probe to tell a sick
    // daemon from a stranger on the port.
    try (DaemonClient client = new DaemonClient(manifest.url(), token.get(), probeTimeout)) {
      DaemonClient.Response response = client.send("GET", "/api/daemon", null, probeTimeout);
      if (response.status() == 401) {
        return new GuardianSnapshot(
            read,
            lockHolder(),
            true,
            GuardianSnapshot.Probe.OK,
            GuardianSnapshot.Identity.UNAUTHORIZED);
      }
      if (response.status() == 200) {
        GuardianSnapshot.Identity identity = identityOf(manifest, response.body());
        LockProbe.LockState lock =
            identity == GuardianSnapshot.Identity.MATCH && !readLockAlways
                ? new LockProbe.LockState.Held(manifest.pid())
                : lockHolder();
        return new GuardianSnapshot(read, lock, true, GuardianSnapshot.Probe.OK, identity);
      }
    } catch (IOException e) {
      return new GuardianSnapshot(
          read,
          lockHolder(),
          true,
          GuardianSnapshot.Probe.FAILED,
          GuardianSnapshot.Identity.NOT_PROBED);
    } catch (RuntimeException e) {
      // why: classified by the health probe below, like any unexpected answer
    }
    return probedHealth(read, manifest, probeTimeout, GuardianSnapshot.Identity.FAILED);
  }

  /** Who holds {@code daemon.lock}, read from the kernel's lock table now. */
  private LockProbe.LockState lockHolder() {
    return LockProbe.holderOf(home.lockFile());
  }

  /** The snapshot after a health probe, with {@code identity} when the daemon is healthy. */
  private GuardianSnapshot probedHealth(
      ManifestFile.Read read,
      DaemonManifest manifest,
      Duration timeout,
      GuardianSnapshot.Identity identity) {
    boolean healthy = DaemonClient.probeHealth(manifest.url(), timeout);
    LockProbe.LockState lock = lockHolder();
    if (!healthy) {
      return new GuardianSnapshot(
          read, lock, true, GuardianSnapshot.Probe.FAILED, GuardianSnapshot.Identity.NOT_PROBED);
    }
    return new GuardianSnapshot(read, lock, true, GuardianSnapshot.Probe.OK, identity);
  }

  /**
   * Connects to the remote or local daemon, starting the local one if needed, with a note on stderr
   * when it does.
   */
  public Connection connect() {
    return connect(true);
  }

  /**
   * Connects like {@link #connect()}; with {@code announce} false, a daemon started here is not
   * announced on stderr (the command reports it itself). Notes about cleanup still are.
   */
  public Connection connect(boolean announce) {
    return connect(Optional.empty(), announce);
  }

  /**
   * Connects like {@link #connect()}, but does not start a daemon that was stopped on purpose (no
   * manifest): a crashed one is still restarted. For long-running followers, which must not undo a
   * {@code capstan daemon stop}.
   *
   * @throws CliException with {@link ExitCode#NOT_RUNNING} when the daemon is stopped
   */
  public Connection connectUnlessStopped() {
    if (remote()) {
      return connectRemote();
    }
    GuardianSnapshot snapshot = snapshot();
    if (GuardianDecision.decide(snapshot) instanceof GuardianDecision.StartFresh fresh
        && fresh.cleanup() == GuardianDecision.Cleanup.NONE) {
      throw new CliException(
          ExitCode.NOT_RUNNING,
          ErrorCode.SERVICE_UNAVAILABLE,
          "the daemon is stopped",
          "Start it with `capstan daemon start`.");
    }
    return connect(Optional.of(snapshot), true);
  }

  private Connection connect(Optional<GuardianSnapshot> first, boolean announce) {
    if (remote()) {
      return connectRemote();
    }
    Stopwatch waiting = Stopwatch.start();
    Optional<GuardianSnapshot> given = first;
    int failedProbes = 0;
    while (true) {
      GuardianSnapshot snapshot = given.orElseGet(this::snapshot);
      given = Optional.empty();
      GuardianDecision decision = GuardianDecision.decide(snapshot);
      switch (decision) {
        case GuardianDecision.Use use -> {
          return localConnection(use.manifest(), false);
        }
        case GuardianDecision.StartFresh fresh -> {
          Optional<Connection> started = startFresh(announce);
          if (started.isPresent()) {
            return started.get();
          }
        }
        case GuardianDecision.AwaitStartup await -> {
          if (waiting.hasElapsed(settings.daemon().startTimeout())) {
            throw neverHealthy(await.pid());
          }
          pause();
        }
        case GuardianDecision.Hung hung -> {
          // why: one slow answer (a loaded machine, a GC pause, a daemon still warming up) is not
          // a hang; a bounded number of probes in a row is.
          if (++failedProbes >= HUNG_AFTER_FAILED_PROBES) {
            throw hung(hung.manifest());
          }
        }
        case GuardianDecision.Unauthorized unauthorized ->
            throw tokenRejected(unauthorized.manifest());
        case GuardianDecision.Impostor impostor -> throw impostor(impostor.manifest());
      }
    }
  }

  /**
   * Starts a daemon under the startup lock. Returns empty when, once the lock was held, the
   * situation had changed (someone else started one); the caller decides again.
   */
  private Optional<Connection> startFresh(boolean announce) {
    home.ensureExists();
    try (StartupLock ignored =
        StartupLock.acquire(home.startupLockFile(), settings.daemon().startTimeout())) {
      if (!(GuardianDecision.decide(snapshot()) instanceof GuardianDecision.StartFresh fresh)) {
        return Optional.empty();
      }
      applyCleanup(fresh);
      Connection connection = spawnAndAwait();
      String pid = connection.manifest().map(m -> " (pid " + m.pid() + ")").orElse("");
      if (announce) {
        String what =
            fresh.note().isEmpty() ? "started the daemon" : fresh.note() + "; started a new daemon";
        context.err().println("capstan: " + what + " at " + connection.url() + pid);
      } else if (!fresh.note().isEmpty()) {
        context.err().println("capstan: " + fresh.note());
      }
      return Optional.of(connection);
    }
  }

  private void applyCleanup(GuardianDecision.StartFresh fresh) {
    switch (fresh.cleanup()) {
      case NONE -> {}
      case DELETE_STALE -> {
        if (manifestFile.read() instanceof ManifestFile.Read.Valid valid) {
          manifestFile.deleteIfOwnedBy(valid.manifest().instanceId());
        }
      }
      case MOVE_CORRUPT_ASIDE -> manifestFile.moveAside(context.clock().instant());
    }
  }

  private Connection spawnAndAwait() {
    home.ensureExists();
    Path console = home.consoleFile();
    rotateIfLarge(console);
    long offset = sizeOf(console);
    Process process = spawn(console);
    Stopwatch waited = Stopwatch.start();
    Duration timeout = settings.daemon().startTimeout();
    while (true) {
      GuardianDecision decision = GuardianDecision.decide(snapshot());
      if (decision instanceof GuardianDecision.Use use) {
        relayConsole(console, offset);
        return localConnection(use.manifest(), true);
      }
      if (!process.isAlive() && process.exitValue() != 0) {
        String output = readFrom(console, offset);
        if (GuardianDecision.decide(snapshot()) instanceof GuardianDecision.Use use) {
          return localConnection(use.manifest(), false);
        }
        throw failedToStart(process.exitValue(), output);
      }
      if (waited.hasElapsed(timeout)) {
        throw new CliException(
            ExitCode.UNRESPONSIVE,
            ErrorCode.SERVICE_UNAVAILABLE,
            "The new daemon (pid "
                + process.pid()
                + ") did not become healthy within "
                + timeout.toSeconds()
                + " s.",
            "See `capstan daemon logs` and " + console + "; `capstan daemon restart` replaces it.");
      }
      pause();
    }
  }

  private Process spawn(Path console) {
    List<String> command = new ArrayList<>();
    setsid().ifPresent(command::add);
    command.add(context.launch().javaBinary());
    command.addAll(context.launch().jvmOptions());
    String extra = context.env().getOrDefault("CAPSTAN_DAEMON_JAVA_OPTS", "").trim();
    if (!extra.isEmpty()) {
      command.addAll(List.of(extra.split("\\s+")));
    }
    String classpath = context.launch().classpath();
    if (classpath.endsWith(".jar") && !classpath.contains(File.pathSeparator)) {
      // why: -jar applies the jar's manifest (Enable-Native-Access for SQLite, Multi-Release).
      command.add("-jar");
      command.add(classpath);
    } else {
      command.add("-cp");
      command.add(classpath);
      command.add(context.launch().mainClass());
    }
    command.add("daemon");
    command.add("run");
    command.addAll(daemonArgs);
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(home.root().toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(console.toFile()))
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    // why: the daemon reads its own token from auth.json; never hand it one through the
    // environment, and never let it mistake itself for a remote client.
    builder.environment().remove(CliContext.ENV_TOKEN);
    builder.environment().remove(CliContext.ENV_URL);
    builder.environment().put(CapstanHome.ENV, home.root().toString());
    try {
      return builder.start();
    } catch (IOException e) {
      throw new CliException(
          ExitCode.FAILURE,
          ErrorCode.INTERNAL,
          "Cannot start the daemon process: " + e.getMessage(),
          "Check that " + context.launch().javaBinary() + " can run.",
          e);
    }
  }

  private static Optional<String> setsid() {
    // why: a new session detaches the daemon from the terminal, so closing the terminal or
    // pressing Ctrl-C in it does not kill the daemon.
    for (String candidate : List.of("/usr/bin/setsid", "/bin/setsid")) {
      if (Files.isExecutable(Path.of(candidate))) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  private Connection connectRemote() {
    String url = context.env().get(CliContext.ENV_URL).trim();
    String tokenText = context.env().get(CliContext.ENV_TOKEN);
    if (tokenText == null || tokenText.isBlank()) {
      throw new CliException(
          ExitCode.USAGE,
          ErrorCode.UNAUTHORIZED,
          "CAPSTAN_URL is set but CAPSTAN_TOKEN is not.",
          "Set CAPSTAN_TOKEN to the token in the remote daemon's auth.json, or unset CAPSTAN_URL"
              + " to use the local daemon.");
    }
    AuthToken token = new AuthToken(tokenText.trim());
    Duration probeTimeout = settings.client().probeTimeout();
    if (!DaemonClient.probeHealth(url, probeTimeout)) {
      throw unreachableRemote(url, null);
    }
    return new Connection(url, token, Optional.empty(), false, Optional.empty());
  }

  private Connection localConnection(DaemonManifest manifest, boolean started) {
    Optional<DaemonIdentity> identity =
        lastIdentity.filter(known -> known.instanceId().equals(manifest.instanceId()));
    return new Connection(manifest.url(), localToken(), Optional.of(manifest), started, identity);
  }

  /** The token in this home's {@code auth.json}. */
  public AuthToken localToken() {
    return new TokenFile(home.authFile())
        .read()
        .orElseThrow(
            () ->
                new CliException(
                    ExitCode.UNAUTHORIZED,
                    ErrorCode.UNAUTHORIZED,
                    "There is no readable token in " + home.authFile() + ".",
                    "`capstan daemon restart` creates one."));
  }

  private GuardianSnapshot.Identity identityOf(DaemonManifest manifest, String body) {
    DaemonIdentity identity;
    try {
      // why: JsonText, not Jackson: this runs on every command and Jackson's set-up is slow.
      identity = DaemonIdentity.fromJson(JsonText.parseObject(body));
    } catch (IllegalArgumentException e) {
      return GuardianSnapshot.Identity.FAILED;
    }
    lastIdentity = Optional.of(identity);
    return identity.instanceId().equals(manifest.instanceId())
        ? GuardianSnapshot.Identity.MATCH
        : GuardianSnapshot.Identity.MISMATCH;
  }

  private void relayConsole(Path console, long offset) {
    String output = readFrom(console, offset);
    for (String line : output.split("\n")) {
      if (!line.isBlank() && !line.startsWith("Capstan daemon ")) {
        context.err().println(line);
      }
    }
  }

  private static void rotateIfLarge(Path console) {
    // why: every start appends to daemon.out; keep one previous generation, not an endless file.
    if (sizeOf(console) > MAX_CONSOLE_BYTES) {
      try {
        Files.move(
            console,
            console.resolveSibling(console.getFileName() + ".1"),
            StandardCopyOption.REPLACE_EXISTING);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot rotate " + console, e);
      }
    }
  }

  private static long sizeOf(Path file) {
    try {
      return Files.exists(file) ? Files.size(file) : 0;
    } catch (IOException e) {
      return 0;
    }
  }

  /** The text appended to {@code file} after {@code offset} (at most 64 KiB of it). */
  static String readFrom(Path file, long offset) {
    try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
      long length = in.length();
      long from = Math.max(offset, length - 65_536);
      if (from >= length) {
        return "";
      }
      byte[] bytes = new byte[(int) (length - from)];
      in.seek(from);
      in.readFully(bytes);
      return new String(bytes, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  private static void pause() {
    try {
      Thread.sleep(POLL.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the daemon", e);
    }
  }

  private CliException failedToStart(int exitValue, String output) {
    ExitCode exit =
        switch (exitValue) {
          case 5 -> ExitCode.HOME_OWNED;
          case 6 -> ExitCode.NO_FREE_PORT;
          case 2 -> ExitCode.USAGE;
          default -> ExitCode.FAILURE;
        };
    String detail = output.isBlank() ? "(it printed nothing)" : output.strip();
    return new CliException(
        exit,
        ErrorCode.SERVICE_UNAVAILABLE,
        "The daemon exited with status " + exitValue + " while starting:\n" + detail,
        "Its full output is in " + home.consoleFile() + "; its log in " + home.logFile() + ".");
  }

  CliException hung(DaemonManifest manifest) {
    return new CliException(
        ExitCode.UNRESPONSIVE,
        ErrorCode.SERVICE_UNAVAILABLE,
        "The Capstan daemon at "
            + manifest.url()
            + " (pid "
            + manifest.pid()
            + ") is alive but not answering: /api/health did not respond within "
            + settings.client().probeTimeout().toMillis()
            + " ms. Refusing to start a second daemon on "
            + home.root()
            + ".",
        "Run `capstan daemon restart` to stop it (after checking it is that daemon) and start a new"
            + " one, or look at `capstan daemon logs`.");
  }

  private CliException neverHealthy(long pid) {
    return new CliException(
        ExitCode.UNRESPONSIVE,
        ErrorCode.SERVICE_UNAVAILABLE,
        "Process "
            + pid
            + " holds the lock on "
            + home.root()
            + " but has not become healthy within "
            + settings.daemon().startTimeout().toSeconds()
            + " s.",
        "Run `capstan daemon restart` to replace it, or look at `capstan daemon logs`.");
  }

  private CliException tokenRejected(DaemonManifest manifest) {
    return new CliException(
        ExitCode.UNAUTHORIZED,
        ErrorCode.UNAUTHORIZED,
        "The daemon at " + manifest.url() + " rejected the token in " + home.authFile() + ".",
        "Run `capstan daemon restart` so the daemon and the file agree again.");
  }

  private CliException impostor(DaemonManifest manifest) {
    return new CliException(
        ExitCode.UNRESPONSIVE,
        ErrorCode.SERVICE_UNAVAILABLE,
        "Something answers at "
            + manifest.url()
            + " but it is not the daemon named in "
            + manifest.home()
            + "/daemon.json (pid "
            + manifest.pid()
            + ").",
        "Run `capstan daemon restart`.");
  }

  private static CliException unreachableRemote(String url, Throwable cause) {
    return new CliException(
        ExitCode.UNRESPONSIVE,
        ErrorCode.SERVICE_UNAVAILABLE,
        "Capstan daemon is not reachable at "
            + url
            + ". A daemon named by CAPSTAN_URL is never started automatically.",
        "Check the URL and that the daemon runs there, or unset CAPSTAN_URL to use the local"
            + " daemon.",
        cause);
  }
}
