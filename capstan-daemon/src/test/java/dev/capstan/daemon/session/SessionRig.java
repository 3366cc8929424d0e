package dev.capstan.daemon.session;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.capstan.approval.ApprovalSettings;
import dev.capstan.approval.Approvals;
import dev.capstan.config.CapstanSettings;
import dev.capstan.event.EventLog;
import dev.capstan.event.EventLogMetrics;
import dev.capstan.event.EventLogSettings;
import dev.capstan.event.InProcessEventBus;
import dev.capstan.event.StoredEvent;
import dev.capstan.event.StreamName;
import dev.capstan.id.RandomIds;
import dev.capstan.json.Json;
import dev.capstan.llm.CircuitBreaker;
import dev.capstan.llm.OpenAiCompatibleClient;
import dev.capstan.session.AgentLoop;
import dev.capstan.session.AgentSettings;
import dev.capstan.session.Sessions;
import dev.capstan.session.Turn;
import dev.capstan.session.TurnRunner;
import dev.capstan.store.jdbc.Database;
import dev.capstan.store.jdbc.JdbcApprovalStore;
import dev.capstan.store.jdbc.JdbcEventStore;
import dev.capstan.store.jdbc.JdbcSessionStore;
import dev.capstan.time.MutableClock;
import dev.capstan.tool.Tool;
import dev.capstan.tool.ToolLimits;
import dev.capstan.tool.ToolPolicy;
import dev.capstan.tool.ToolRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Sessions wired as the daemon wires them (real SQLite, the real event log, the real LLM client
 * against a scripted server), with the tools a test gives. {@link #restart()} drops everything in
 * memory and builds it again on the same database, as a daemon restart does.
 *
 * <p>Confined to the test thread, except for the threads it starts.
 */
final class SessionRig implements AutoCloseable {
  static final Duration PATIENCE = Duration.ofSeconds(15);

  private final Path dir;
  private final URI llmUrl;
  private final List<Tool> tools;
  private final ApprovalSettings approvalSettings;
  private final MutableClock clock = MutableClock.create();
  private Database database;
  private EventLog events;
  private Thread writer;
  private Thread flusher;
  private TurnRunner runner;
  private OpenAiCompatibleClient llm;
  private Sessions sessions;
  private Approvals approvals;
  private JdbcSessionStore store;

  SessionRig(Path dir, URI llmUrl, List<Tool> tools, ApprovalSettings approvalSettings) {
    this.dir = dir;
    this.llmUrl = llmUrl;
    this.tools = tools;
    this.approvalSettings = approvalSettings;
    start();
  }

  private void start() {
    database = Database.sqlite(dir.resolve("capstan.db"));
    events =
        new EventLog(
            new JdbcEventStore(database),
            new InProcessEventBus(),
            EventLogMetrics.NONE,
            clock,
            EventLogSettings.DEFAULTS,
            Thread.ofVirtual().factory());
    writer = Thread.ofPlatform().daemon().start(events.writeLoop());
    flusher = Thread.ofPlatform().daemon().start(events.flushLoop());
    store = new JdbcSessionStore(database);
    JdbcApprovalStore approvalStore = new JdbcApprovalStore(database);
    RandomIds ids = new RandomIds(new java.security.SecureRandom());
    approvals =
        new Approvals(
            approvalStore,
            events,
            clock,
            approvalSettings,
            ids,
            (session, tool) -> store.putPolicies(session, Map.of(tool, "allow")));
    CapstanSettings.LlmSettings defaults = CapstanSettings.LlmSettings.defaults(llmUrl);
    llm =
        new OpenAiCompatibleClient(
            new CapstanSettings.LlmSettings(
                llmUrl,
                Optional.empty(),
                Duration.ofSeconds(2),
                Duration.ofSeconds(2),
                Duration.ofSeconds(2),
                Duration.ofSeconds(30),
                0,
                defaults.healthInterval()),
            Optional.empty(),
            new CircuitBreaker(100, Duration.ofMillis(1), Duration.ofMillis(1), System::nanoTime));
    ToolRegistry registry = new ToolRegistry(tools);
    AgentLoop agent =
        new AgentLoop(
            store,
            approvalStore,
            approvals,
            events,
            llm,
            registry,
            new AgentSettings(5, Map.<String, ToolPolicy>of(), ToolLimits.DEFAULTS),
            clock);
    runner = new TurnRunner(store, approvals, events, clock, agent, Thread.ofVirtual().factory());
    runner.recover();
    sessions = new Sessions(store, approvals, runner, events, registry, clock, ids);
  }

  Sessions sessions() {
    return sessions;
  }

  Approvals approvals() {
    return approvals;
  }

  TurnRunner runner() {
    return runner;
  }

  JdbcSessionStore store() {
    return store;
  }

  MutableClock clock() {
    return clock;
  }

  /** Stops as a crash would (nothing finishes its turn), then starts again on the same data. */
  void restart() {
    stop();
    start();
  }

  /** Waits until the turn has ended and returns it. */
  Turn awaitEnded(String turnId) {
    Turn ended =
        await("turn " + turnId + " ended")
            .atMost(PATIENCE)
            .until(
                () -> store.findTurn(turnId).orElseThrow(),
                turn -> turn.status().finished() && !runnerBusyWith(turn));
    // why: the event log stores events on its writer thread; the turn's last event follows the
    // stored status by a moment, and tests read the stream next.
    StreamName stream = StreamName.session(ended.sessionId());
    await("last event of turn " + turnId)
        .atMost(PATIENCE)
        .until(
            () ->
                events(stream).stream()
                    .filter(
                        event ->
                            event.type().equals("turn.completed")
                                || event.type().equals("turn.error"))
                    .anyMatch(
                        event -> parse(event.dataJson()).path("turnId").asText().equals(turnId)));
    return ended;
  }

  private boolean runnerBusyWith(Turn turn) {
    return runner
        .active(turn.sessionId())
        .map(active -> active.turn().id().equals(turn.id()))
        .orElse(false);
  }

  /** The events of a stream, as stored. */
  List<StoredEvent> events(StreamName stream) {
    return events.read(stream, 0, 10_000);
  }

  /** The types of a stream's events, in order. */
  List<String> types(StreamName stream) {
    return events(stream).stream().map(StoredEvent::type).toList();
  }

  /** The payloads of a stream's events of one type. */
  List<JsonNode> data(StreamName stream, String type) {
    return events(stream).stream()
        .filter(event -> event.type().equals(type))
        .map(event -> parse(event.dataJson()))
        .toList();
  }

  /** Waits until the stream has an event of {@code type} and returns the first one's data. */
  JsonNode awaitEvent(StreamName stream, String type) {
    return await(type + " on " + stream)
        .atMost(PATIENCE)
        .until(() -> data(stream, type), list -> !list.isEmpty())
        .get(0);
  }

  static JsonNode parse(String json) {
    try {
      return Json.mapper().readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void stop() {
    runner.shutdown();
    llm.close();
    events.shutdown();
    try {
      writer.join(Duration.ofSeconds(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    flusher.interrupt();
    database.close();
  }

  @Override
  public void close() {
    stop();
  }
}
