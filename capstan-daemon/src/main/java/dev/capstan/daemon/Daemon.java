package dev.capstan.daemon;

import dev.capstan.agent.AgentRegistry;
import dev.capstan.approval.ApprovalStore;
import dev.capstan.approval.Approvals;
import dev.capstan.auth.AuthToken;
import dev.capstan.auth.TokenFile;
import dev.capstan.builtin.BuiltinAgent;
import dev.capstan.config.CapstanSettings;
import dev.capstan.config.ConfigInvalid;
import dev.capstan.config.ResolvedSettings;
import dev.capstan.daemon.git.Git;
import dev.capstan.daemon.git.RepoGit;
import dev.capstan.daemon.http.BearerAuth;
import dev.capstan.daemon.http.HttpApi;
import dev.capstan.daemon.http.RouteInfo;
import dev.capstan.daemon.local.LocalRuntime;
import dev.capstan.daemon.local.LocalRuntimeSettings;
import dev.capstan.daemon.local.Niceness;
import dev.capstan.daemon.local.TurnProcesses;
import dev.capstan.daemon.log.DaemonLogging;
import dev.capstan.daemon.metrics.DaemonMetrics;
import dev.capstan.daemon.task.RepoService;
import dev.capstan.daemon.task.TaskApi;
import dev.capstan.daemon.task.TaskEngine;
import dev.capstan.daemon.task.TaskEngineDeps;
import dev.capstan.daemon.task.TaskGc;
import dev.capstan.daemon.task.TaskHealth;
import dev.capstan.error.ExitCode;
import dev.capstan.event.EventData;
import dev.capstan.event.EventLog;
import dev.capstan.event.EventLogSettings;
import dev.capstan.event.InProcessEventBus;
import dev.capstan.event.StreamName;
import dev.capstan.home.CapstanHome;
import dev.capstan.id.RandomIds;
import dev.capstan.idempotency.IdempotencyStore;
import dev.capstan.llm.CircuitBreaker;
import dev.capstan.llm.LlmApiKey;
import dev.capstan.llm.LlmMonitor;
import dev.capstan.llm.OpenAiCompatibleClient;
import dev.capstan.manifest.DaemonIdentity;
import dev.capstan.manifest.DaemonManifest;
import dev.capstan.manifest.ManifestFile;
import dev.capstan.process.ProcessIdentity;
import dev.capstan.runtime.RunMarker;
import dev.capstan.session.AgentLoop;
import dev.capstan.session.AgentSettings;
import dev.capstan.session.SessionStore;
import dev.capstan.session.Sessions;
import dev.capstan.session.TurnRunner;
import dev.capstan.store.jdbc.Database;
import dev.capstan.store.jdbc.JdbcApprovalStore;
import dev.capstan.store.jdbc.JdbcEventStore;
import dev.capstan.store.jdbc.JdbcIdempotencyStore;
import dev.capstan.store.jdbc.JdbcSessionStore;
import dev.capstan.store.jdbc.JdbcTaskStore;
import dev.capstan.task.TaskWaits;
import dev.capstan.time.Stopwatch;
import dev.capstan.tool.ToolLimits;
import dev.capstan.tool.ToolPolicy;
import dev.capstan.tool.ToolRegistry;
import dev.capstan.version.CapstanVersion;
import io.javalin.Javalin;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon: owns one home, serves HTTP, and shuts down cleanly. {@link #start} builds the object
 * graph top to bottom; {@link #stop} tears it down in reverse: stop accepting, let in-flight work
 * finish within the deadline, remove the manifest, flush the log, release the lock.
 *
 * <p>Thread-safe: {@link #stop} may be called from any thread (HTTP, signal hook, main), any number
 * of times; the first call stops, later calls wait for it.
 */
public final class Daemon {
  private static final Logger log = LoggerFactory.getLogger(Daemon.class);
  private static final Duration SELF_CHECK_TIMEOUT = Duration.ofSeconds(5);
  private static final Duration RETENTION_INTERVAL = Duration.ofHours(1);
  private static final Duration SSE_KEEP_ALIVE = Duration.ofSeconds(15);
  private static final Duration MANIFEST_GUARD = Duration.ofSeconds(2);
  private static final Duration APPROVAL_EXPIRY_INTERVAL = Duration.ofSeconds(1);

  private final DaemonOptions options;
  private final CapstanSettings settings;
  private final CapstanHome home;
  private final ProcessIdentity self;
  private final DaemonLock lock;
  private final ManifestFile manifestFile;
  private final String instanceId = UUID.randomUUID().toString();
  private final CountDownLatch stopRequested = new CountDownLatch(1);
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final AtomicBoolean stopping = new AtomicBoolean();
  private volatile Javalin http;
  private volatile Runnable closeStreams = () -> {};
  private volatile Database database;
  private volatile EventLog events;
  private volatile TaskEngine tasks;
  private volatile Thread eventWriter;
  private volatile TurnRunner turns;
  private volatile OpenAiCompatibleClient llm;
  private final List<Thread> duties = new CopyOnWriteArrayList<>();
  private volatile Thread manifestGuard;
  private volatile DaemonManifest manifest;
  private volatile String stopReason = "";

  private Daemon(DaemonOptions options, ProcessIdentity self, DaemonLock lock) {
    this.options = options;
    this.settings = options.settings().settings();
    this.home = options.home();
    this.self = self;
    this.lock = lock;
    this.manifestFile = new ManifestFile(home.manifestFile());
  }

  /**
   * Runs the daemon in the foreground until it is asked to stop (HTTP, SIGTERM, SIGINT).
   *
   * @return the process exit code
   */
  public static ExitCode run(DaemonOptions options) {
    Daemon daemon;
    try {
      daemon = start(options);
    } catch (HomeOwned e) {
      options.err().println(e.getMessage());
      options.err().println(e.hint());
      return ExitCode.HOME_OWNED;
    } catch (NoFreePort e) {
      options.err().println(e.getMessage());
      options.err().println(e.hint());
      return ExitCode.NO_FREE_PORT;
    } catch (ConfigInvalid e) {
      options.err().println(e.getMessage());
      options.err().println(e.hint());
      return ExitCode.USAGE;
    }
    Thread hook = new Thread(() -> daemon.stop("signal"), "capstan-shutdown-hook");
    Runtime.getRuntime().addShutdownHook(hook);
    daemon.awaitStopRequest();
    daemon.stop(daemon.stopReason);
    return ExitCode.OK;
  }

  /**
   * Takes the lock, starts logging and the HTTP server, checks its own health and only then writes
   * the manifest.
   *
   * @throws HomeOwned if another daemon owns the home
   * @throws NoFreePort if no port can be bound
   */
  public static Daemon start(DaemonOptions options) {
    Stopwatch startup = Stopwatch.start();
    CapstanHome home = options.home().ensureExists();
    ProcessIdentity self = ProcessIdentity.current();
    // why: the lock comes before anything that touches shared state (log, token, manifest, DB).
    DaemonLock lock = DaemonLock.acquire(home, self);
    Daemon daemon = new Daemon(options, self, lock);
    try {
      daemon.startOwned(startup);
      return daemon;
    } catch (RuntimeException e) {
      log.error("daemon failed to start: {}", e.getMessage(), e);
      daemon.stop("failed to start");
      throw e;
    }
  }

  private void startOwned(Stopwatch startup) {
    StartupPhases phases = new StartupPhases();
    DaemonLogging.start(home.logFile(), settings.log());
    log.info(
        "daemon starting version={} pid={} home={}", CapstanVersion.get(), self.pid(), home.root());
    logEffectiveConfig(options.settings());

    removeStaleManifest();
    phases.mark("logging");
    DaemonMetrics metrics = new DaemonMetrics();
    phases.mark("metrics");
    database = Database.sqlite(home.databaseFile());
    phases.mark("database");
    events =
        new EventLog(
            new JdbcEventStore(database),
            new InProcessEventBus(),
            metrics,
            options.clock(),
            EventLogSettings.DEFAULTS.withRetention(
                settings.events().outputRetention(), settings.events().outputMaxBytesPerStream()),
            Thread.ofVirtual().name("event-subscription-", 0).factory());
    eventWriter = Thread.ofPlatform().name("event-writer").start(events.writeLoop());
    startDuty("event-output-flush", events.flushLoop());
    startDuty(
        "event-retention",
        new PeriodicLoop(
            "event-retention",
            RETENTION_INTERVAL,
            () -> {
              int deleted = events.applyRetention();
              if (deleted > 0) {
                log.info("event retention deleted={}", deleted);
              }
            }));
    OpenAiCompatibleClient llmClient =
        new OpenAiCompatibleClient(
            settings.llm(),
            LlmApiKey.resolve(System.getenv(), home.root()),
            CircuitBreaker.withDefaults());
    LlmMonitor llmMonitor =
        new LlmMonitor(llmClient, events, options.clock(), LlmMonitor.DEFAULT_CHECK_TIMEOUT);
    ToolRegistry tools = ToolRegistry.builtin();
    startDuty(
        "llm-health",
        new PeriodicLoop("llm-health", settings.llm().healthInterval(), llmMonitor::check));
    phases.mark("events");
    SessionParts sessionParts = startSessions(llmClient, tools);
    phases.mark("sessions");
    TaskApi taskApi = startTasks(sessionParts);
    phases.mark("tasks");
    AuthToken token =
        new TokenFile(home.authFile(), new SecureRandom()).readOrCreate(options.clock().instant());
    BearerAuth auth =
        new BearerAuth(token, new TokenFile(home.authFile(), new SecureRandom()), options.clock());

    CapstanSettings.DaemonSettings daemonSettings = settings.daemon();
    warnIfExposed(daemonSettings.host());
    PortBinder.Bound bound =
        PortBinder.bind(daemonSettings.host(), daemonSettings.port(), daemonSettings.portRange());
    if (bound.fellBack()) {
      String notice =
          "Port "
              + daemonSettings.port()
              + " is in use. Starting daemon on available port "
              + bound.port()
              + " instead.";
      options.out().println(notice);
      log.warn("{}", notice);
    }
    String url = "http://" + urlHost(daemonSettings.host()) + ":" + bound.port();

    HttpApi.Server server =
        HttpApi.create(
            settings.http(),
            bound.channel(),
            daemonSettings.shutdownTimeout(),
            new HttpApi.Deps(
                auth,
                this::identity,
                this::requestStop,
                events,
                metrics,
                options.clock(),
                Optional.of(taskApi),
                llmMonitor::check,
                () -> tools.describe(settings.tools().policies(), Map.of()),
                sessionParts.sessions(),
                sessionParts.approvals()));
    http = server.app();
    closeStreams = server.closeStreams();
    phases.mark("http-create");
    http.start();
    phases.mark("http-start");
    startDuty(
        "sse-keepalive", new PeriodicLoop("sse-keepalive", SSE_KEEP_ALIVE, server.sseKeepAlive()));
    checkOwnHealth(url);
    phases.mark("self-check");

    Instant startedAt = options.clock().instant();
    manifest =
        new DaemonManifest(
            DaemonManifest.FORMAT_VERSION,
            instanceId,
            self.pid(),
            self.startedAt(),
            daemonSettings.host(),
            bound.port(),
            url,
            startedAt,
            home.root().toString(),
            home.logFile().toString(),
            CapstanVersion.get());
    manifestFile.write(manifest);
    phases.mark("manifest");
    events.append(
        StreamName.SYSTEM,
        new EventData.DaemonStarted(instanceId, CapstanVersion.get(), self.pid(), url));
    manifestGuard =
        Thread.ofPlatform()
            .daemon()
            .name("manifest-guard")
            .start(new PeriodicLoop("manifest-guard", MANIFEST_GUARD, this::repairManifest));
    log.info(
        "daemon healthy url={} pid={} instance={} startupMs={} phasesMs={}",
        url,
        self.pid(),
        instanceId,
        startup.elapsed().toMillis(),
        phases.summary());
    options
        .out()
        .println(
            "Capstan daemon "
                + CapstanVersion.get()
                + " listening on "
                + url
                + " (pid "
                + self.pid()
                + ", home "
                + home.root()
                + ")");
    options.out().flush();
  }

  /** What the HTTP routes need of sessions. */
  private record SessionParts(Sessions sessions, Approvals approvals, AgentLoop agent) {}

  /**
   * Builds sessions, approvals and the built-in agent, ends turns a crash interrupted
   * (DAEMON_RESTARTED) and restarts the queues.
   */
  private SessionParts startSessions(OpenAiCompatibleClient llmClient, ToolRegistry tools) {
    SessionStore sessionStore = new JdbcSessionStore(database);
    ApprovalStore approvalStore = new JdbcApprovalStore(database);
    RandomIds ids = new RandomIds(new SecureRandom());
    Approvals approvals =
        new Approvals(
            approvalStore,
            events,
            options.clock(),
            settings.approvals(),
            ids,
            (sessionId, tool) ->
                sessionStore.putPolicies(sessionId, Map.of(tool, ToolPolicy.ALLOW.wireName())));
    llm = llmClient;
    CapstanSettings.ToolSettings toolSettings = settings.tools();
    AgentLoop agent =
        new AgentLoop(
            sessionStore,
            approvalStore,
            approvals,
            events,
            llm,
            tools,
            new AgentSettings(
                AgentSettings.DEFAULT_MAX_ITERATIONS,
                toolSettings.policies(),
                new ToolLimits(
                    toolSettings.readMaxBytes(),
                    toolSettings.outputMaxBytes(),
                    ToolLimits.DEFAULT_MAX_SEARCH_MATCHES,
                    toolSettings.commandTimeout()),
                Optional.of(RunMarker.homeHash(home.root()))),
            options.clock());
    turns =
        new TurnRunner(
            sessionStore,
            approvals,
            events,
            options.clock(),
            agent,
            Thread.ofVirtual().name("turn-", 0).factory());
    // why: before any turn runs: every process with this home's turn marker now was left
    // running by a daemon that died under its turn.
    TurnProcesses.killLeftovers(home.root(), LocalRuntimeSettings.DEFAULT_KILL_GRACE);
    turns.recover();
    if (settings.approvals().timeout().isPresent()) {
      startDuty(
          "approval-expiry",
          new PeriodicLoop("approval-expiry", APPROVAL_EXPIRY_INTERVAL, approvals::expireDue));
    }
    return new SessionParts(
        new Sessions(sessionStore, approvals, turns, events, tools, options.clock(), ids),
        approvals,
        agent);
  }

  private TaskApi startTasks(SessionParts sessionParts) {
    CapstanSettings.TaskSettings taskSettings = settings.tasks();
    Map<String, String> environment = System.getenv();
    List<String> nice = Niceness.launcher(taskSettings.agentNice());
    Git git = Git.withEnvironment(environment, nice);
    LocalRuntime runtime =
        new LocalRuntime(
            new LocalRuntimeSettings(
                home.root(),
                environment,
                LocalRuntimeSettings.DEFAULT_KILL_GRACE,
                Git.DEFAULT_TIMEOUT,
                nice),
            git,
            Thread.ofVirtual().name("runtime-", 0).factory());
    IdempotencyStore idempotency = new JdbcIdempotencyStore(database);
    TaskWaits waits = new TaskWaits(events);
    BuiltinAgent builtin =
        new BuiltinAgent(
            sessionParts.agent(),
            sessionParts.approvals(),
            waits,
            Thread.ofVirtual().name("builtin-", 0).factory());
    TaskEngine engine =
        new TaskEngine(
            new TaskEngineDeps(
                new JdbcTaskStore(database),
                events,
                runtime,
                AgentRegistry.builtIn(builtin),
                taskSettings,
                options.clock(),
                waits));
    TaskHealth health = new TaskHealth(engine);
    // why: recovery runs before the first dispatch, so nothing a dead daemon left runs twice.
    health.recover();
    // why: a built-in task waiting for an approval did so in the daemon that is gone; its attempt
    // was interrupted and re-queued above, and the new attempt asks again if it needs to.
    int stale =
        sessionParts
            .approvals()
            .cancelPendingOfTasks(
                "The daemon restarted; the task's attempt was interrupted and re-queued.")
            .size();
    if (stale > 0) {
      log.info("resolved {} pending approvals of interrupted task attempts as cancelled", stale);
    }
    engine.start();
    tasks = engine;
    startDuty(
        "task-health",
        new PeriodicLoop(
            "task-health",
            taskSettings.healthInterval(),
            () -> {
              health.runOnce();
              idempotency.forgetBefore(options.clock().instant().minus(IdempotencyStore.RETENTION));
            }));
    return new TaskApi(
        engine,
        new RepoService(engine, new RepoGit(git), home.root().resolve("repos"), idempotency),
        new TaskGc(engine));
  }

  /** Asks the daemon to stop; returns at once. */
  public void requestStop(String reason) {
    stopReason = reason;
    stopRequested.countDown();
  }

  /** Blocks until someone asks the daemon to stop. */
  public void awaitStopRequest() {
    try {
      stopRequested.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stopReason = "interrupted";
    }
  }

  /**
   * Stops the daemon: stop accepting, finish or abort in-flight requests within the shutdown
   * deadline, remove the manifest, flush the log, release the lock. Idempotent.
   */
  public void stop(String reason) {
    stopRequested.countDown();
    if (!stopping.compareAndSet(false, true)) {
      awaitStopped();
      return;
    }
    try {
      Stopwatch stopwatch = Stopwatch.start();
      log.info("daemon stopping reason=\"{}\"", reason);
      EventLog eventLog = events;
      if (eventLog != null && manifest != null) {
        eventLog.append(StreamName.SYSTEM, new EventData.DaemonStopping(reason));
      }
      closeStreams.run();
      log.debug("streams closed ms={}", stopwatch.elapsed().toMillis());
      Thread guard = manifestGuard;
      if (guard != null) {
        guard.interrupt();
      }
      Javalin server = http;
      if (server != null) {
        try {
          server.stop();
          log.debug("http stopped ms={}", stopwatch.elapsed().toMillis());
        } catch (RuntimeException e) {
          log.warn("HTTP server did not stop cleanly; continuing shutdown", e);
        }
      }
      TaskEngine engine = tasks;
      if (engine != null) {
        engine.stop();
        log.debug("tasks stopped ms={}", stopwatch.elapsed().toMillis());
      }
      stopEventLog(stopwatch);
      if (manifestFile.deleteIfOwnedBy(instanceId)) {
        log.info("manifest removed path={}", manifestFile.path());
      }
      log.info("daemon stopped ms={}", stopwatch.elapsed().toMillis());
      DaemonLogging.stop();
      options.out().println("Capstan daemon stopped (" + reason + ").");
      options.out().flush();
    } finally {
      lock.close();
      stopped.countDown();
    }
  }

  private void stopEventLog(Stopwatch stopwatch) {
    duties.forEach(Thread::interrupt);
    TurnRunner runner = turns;
    if (runner != null) {
      // why: running turns stay marked running; the next start ends them as DAEMON_RESTARTED,
      // exactly as after a crash, and their pending approvals stay answerable.
      runner.shutdown();
    }
    OpenAiCompatibleClient client = llm;
    if (client != null) {
      client.close();
    }
    EventLog eventLog = events;
    if (eventLog != null) {
      eventLog.shutdown();
      Thread writer = eventWriter;
      if (writer != null) {
        try {
          Duration left = settings.daemon().shutdownTimeout().minus(stopwatch.elapsed());
          if (!writer.join(left.isNegative() ? Duration.ofSeconds(1) : left)) {
            log.warn("event writer did not drain within the shutdown deadline; aborting it");
            writer.interrupt();
            writer.join(Duration.ofSeconds(2));
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
    Database db = database;
    if (db != null) {
      db.close();
    }
  }

  private void startDuty(String name, Runnable duty) {
    duties.add(Thread.ofPlatform().daemon().name(name).start(duty));
  }

  /** The task engine (for tests that drive the daemon in-process). */
  public TaskEngine tasks() {
    return tasks;
  }

  /** The event log (for tests that drive the daemon in-process). */
  public EventLog events() {
    return events;
  }

  private void awaitStopped() {
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Who this daemon is, for {@code GET /api/daemon}. */
  public DaemonIdentity identity() {
    DaemonManifest current = manifest;
    if (current == null) {
      throw new IllegalStateException("identity requested before the daemon was healthy");
    }
    long uptime = Duration.between(current.startedAt(), options.clock().instant()).toSeconds();
    return DaemonIdentity.of(current, Math.max(0, uptime));
  }

  /** The manifest this daemon wrote. */
  public DaemonManifest manifest() {
    return manifest;
  }

  /** Every HTTP route, as the router knows it. */
  public List<RouteInfo> routes() {
    return HttpApi.routes(http);
  }

  private void repairManifest() {
    // why: we hold the lock, so daemon.json must name us. If it was deleted, truncated or
    // overwritten (by hand, a full disk, a confused tool), clients would wait for a daemon that
    // seems to be starting; put it back.
    DaemonManifest current = manifest;
    if (current == null || stopping.get()) {
      return;
    }
    ManifestFile.Read read = manifestFile.read();
    if (read instanceof ManifestFile.Read.Valid valid && valid.manifest().equals(current)) {
      return;
    }
    if (read instanceof ManifestFile.Read.Corrupt) {
      manifestFile.moveAside(options.clock().instant());
    }
    manifestFile.write(current);
    log.warn(
        "daemon.json was missing or did not name this daemon; rewrote it path={}",
        manifestFile.path());
  }

  private void removeStaleManifest() {
    // why: we hold the lock, so any manifest on disk belongs to a daemon that died without cleanup.
    ManifestFile.Read read = manifestFile.read();
    switch (read) {
      case ManifestFile.Read.Missing missing -> {}
      case ManifestFile.Read.Corrupt corrupt -> {
        manifestFile.moveAside(options.clock().instant());
        log.warn("moved a corrupt manifest aside reason=\"{}\"", corrupt.reason());
      }
      case ManifestFile.Read.Valid valid -> {
        manifestFile.delete();
        log.warn(
            "removed the stale manifest of a daemon that did not shut down cleanly pid={}",
            valid.manifest().pid());
      }
    }
  }

  private void checkOwnHealth(String url) {
    // why: HttpURLConnection, not java.net.http: it loads in a fraction of the time and this
    // runs on every start.
    try {
      HttpURLConnection connection =
          (HttpURLConnection) URI.create(url + "/api/health").toURL().openConnection();
      connection.setConnectTimeout((int) SELF_CHECK_TIMEOUT.toMillis());
      connection.setReadTimeout((int) SELF_CHECK_TIMEOUT.toMillis());
      // why: a kept-alive connection to ourselves would hold up the graceful stop later.
      connection.setRequestProperty("Connection", "close");
      try (InputStream in = connection.getInputStream()) {
        String body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        if (connection.getResponseCode() != 200 || !"ok".equals(body)) {
          throw new IllegalStateException(
              "own health check failed: HTTP " + connection.getResponseCode() + " " + body);
        }
      } finally {
        connection.disconnect();
      }
    } catch (IOException e) {
      throw new IllegalStateException("own health check failed: " + e, e);
    }
  }

  private void warnIfExposed(String host) {
    boolean loopback;
    try {
      loopback = InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      throw new ConfigInvalid(
          CapstanSettings.HOST.key(),
          "Cannot resolve the host '" + host + "'",
          "Set daemon.host / CAPSTAN_HOST / --host to an address of this machine, such as"
              + " 127.0.0.1.");
    }
    if (!loopback) {
      String warning =
          "WARNING: binding to "
              + host
              + " makes Capstan reachable from the network. Anyone who can reach it and holds the"
              + " token controls your agents. Use --host 127.0.0.1 unless you mean it.";
      options.err().println(warning);
      log.warn("{}", warning);
    }
  }

  private static String urlHost(String host) {
    String bare = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    if (bare.equals("0.0.0.0")) {
      return "127.0.0.1";
    }
    if (bare.equals("::") || bare.equals("0:0:0:0:0:0:0:0")) {
      return "[::1]";
    }
    return bare.contains(":") ? "[" + bare + "]" : bare;
  }

  private static void logEffectiveConfig(ResolvedSettings resolved) {
    for (ResolvedSettings.Value value : resolved.values()) {
      log.info(
          "config key={} value={} source={}", value.key(), value.value(), value.source().label());
    }
  }
}
