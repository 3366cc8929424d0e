package dev.capstan.daemon.task;

import dev.capstan.agent.AgentRegistry;
import dev.capstan.config.CapstanSettings;
import dev.capstan.daemon.git.RepoGit;
import dev.capstan.daemon.git.TestRepos;
import dev.capstan.daemon.local.LocalRuntime;
import dev.capstan.daemon.local.LocalRuntimeSettings;
import dev.capstan.event.EventLog;
import dev.capstan.event.EventLogMetrics;
import dev.capstan.event.EventLogSettings;
import dev.capstan.event.InProcessEventBus;
import dev.capstan.event.StoredEvent;
import dev.capstan.event.StreamName;
import dev.capstan.runtime.TaskRuntime;
import dev.capstan.store.jdbc.Database;
import dev.capstan.store.jdbc.JdbcEventStore;
import dev.capstan.store.jdbc.JdbcIdempotencyStore;
import dev.capstan.store.jdbc.JdbcTaskStore;
import dev.capstan.task.Repo;
import dev.capstan.task.TaskStore;
import dev.capstan.time.Clocks;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A task engine on real parts: SQLite in a temporary home, the event log, the local runtime with
 * real git worktrees and processes. {@link #restart()} simulates a daemon that died: the old engine
 * is abandoned without stopping, and a new one recovers over the same home.
 *
 * <p>Confined to the test thread (the engine itself is thread-safe).
 */
final class TaskFixture implements AutoCloseable {
  final Path home;
  final Database database;
  final EventLog events;
  final TaskStore store;
  final CapstanSettings.TaskSettings settings;
  private final Thread writer;
  TaskRuntime runtime;
  TaskEngine engine;
  TaskHealth health;
  RepoService repos;

  final java.util.function.Function<TaskFixture, AgentRegistry> agents;
  dev.capstan.task.TaskWaits waits;

  TaskFixture(Path home, CapstanSettings.TaskSettings settings) {
    this(home, settings, fixture -> AgentRegistry.builtIn());
  }

  TaskFixture(
      Path home,
      CapstanSettings.TaskSettings settings,
      java.util.function.Function<TaskFixture, AgentRegistry> agents) {
    this.home = home;
    this.settings = settings;
    this.agents = agents;
    this.database = Database.sqlite(home.resolve("capstan.db"));
    this.events =
        new EventLog(
            new JdbcEventStore(database),
            new InProcessEventBus(),
            EventLogMetrics.NONE,
            Clocks.system(),
            EventLogSettings.DEFAULTS,
            Thread.ofVirtual().factory());
    this.writer = Thread.ofPlatform().daemon().start(events.writeLoop());
    this.store = new JdbcTaskStore(database);
    boot();
  }

  static TaskFixture start(Path home) {
    return new TaskFixture(home, CapstanSettings.TaskSettings.DEFAULTS);
  }

  /** The daemon dies: its engine is abandoned, then a new one boots over the same home. */
  void crashAndBoot() {
    engine.abandon();
    boot();
  }

  /** Builds a new engine over the same home, recovers and starts dispatching. */
  void boot() {
    runtime =
        new LocalRuntime(
            new LocalRuntimeSettings(
                home,
                Map.of("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin")),
                Duration.ofMillis(500),
                Duration.ofSeconds(30)),
            TestRepos.GIT,
            Thread.ofVirtual().factory());
    waits = new dev.capstan.task.TaskWaits(events);
    engine =
        new TaskEngine(
            new TaskEngineDeps(
                store, events, runtime, agents.apply(this), settings, Clocks.system(), waits));
    health = new TaskHealth(engine);
    repos =
        new RepoService(
            engine,
            new RepoGit(TestRepos.GIT),
            home.resolve("repos"),
            new JdbcIdempotencyStore(database));
    health.recover();
    engine.start();
  }

  /** A git repo registered as {@code name} with the default command {@code command}. */
  Repo repo(String name, String command) throws IOException {
    Path path = TestRepos.create(home.resolve("src").resolve(name));
    return repos.add(
        new RepoService.NewRepo(
            path.toString(),
            Optional.of(name),
            Optional.empty(),
            Optional.empty(),
            Optional.of("command"),
            Optional.of(command),
            Optional.empty()));
  }

  /** Every event of a stream so far. */
  List<StoredEvent> eventsOf(StreamName stream) {
    events.flushOutput();
    return events.read(stream, 0, 10_000);
  }

  /** The output of a task so far, as the event log stored it. */
  String output(long taskId) {
    StringBuilder text = new StringBuilder();
    for (StoredEvent event : eventsOf(StreamName.task(taskId))) {
      if (event.type().equals("task.output")) {
        text.append(event.dataJson());
      }
    }
    return text.toString();
  }

  @Override
  public void close() throws InterruptedException {
    engine.stop();
    events.shutdown();
    writer.join(Duration.ofSeconds(5));
    database.close();
  }
}
