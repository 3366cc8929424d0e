package dev.capstan.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.capstan.json.Json;
import dev.capstan.time.Stopwatch;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Sessions against an LLM stand-in with fixed pacing ({@link BenchLlmServer}): the time to first
 * token Capstan adds over calling the same server directly, and turns/s with many sessions at once.
 *
 * <p>Direct: a client in this JVM posts a streaming {@code /v1/chat/completions} and stops the
 * clock at the first SSE line with content. Through Capstan: a client in this JVM posts a turn and
 * stops the clock when its WebSocket subscriber to {@code session/<id>} receives the turn's first
 * {@code turn.delta}. Both read one monotonic clock; the samples alternate, so both see the same
 * machine load.
 */
final class SessionBench implements Benchmark {
  private static final Duration TURN_DEADLINE = Duration.ofSeconds(60);

  /** Turns per session in the time-to-first-token runs, so a conversation has some history. */
  private static final int TURNS_PER_CONVERSATION = 10;

  @Override
  public String title() {
    return "Sessions";
  }

  @Override
  public List<Figure> run(BenchContext context) throws Exception {
    BenchContext.SessionSize size = context.sessions();
    BenchLlmServer.Pacing pacing = size.pacing();
    // why: each run starts a daemon and measures hundreds of turns; three runs give a median.
    int runs = Math.min(context.runs(), 3);
    List<Double> direct = new ArrayList<>();
    List<Double> capstan = new ArrayList<>();
    List<Double> beforeLlm = new ArrayList<>();
    List<Double> afterLlm = new ArrayList<>();
    List<Double> addedP50 = new ArrayList<>();
    List<Double> addedP99 = new ArrayList<>();
    List<Double> throughput = new ArrayList<>();
    List<Double> loadedTtft = new ArrayList<>();
    try (BenchLlmServer llm = BenchLlmServer.start(pacing)) {
      for (int run = 0; run < runs; run++) {
        Path home = context.newHome();
        Path workspace = Files.createTempDirectory("capstan-bench-workspace");
        Process daemon = null;
        try {
          daemon =
              Processes.start(
                  TaskThroughputBench.daemonCommand(context),
                  Map.of(
                      "CAPSTAN_HOME",
                      home.toString(),
                      "CAPSTAN_PORT",
                      Integer.toString(Processes.freePort()),
                      "CAPSTAN_LLM_URL",
                      llm.baseUrl()));
          TaskThroughputBench.Api api = TaskThroughputBench.Api.await(home, daemon);
          SessionWatch.Endpoint endpoint = SessionWatch.Endpoint.of(home);
          TtftRun ttft = ttftRun(api, endpoint, llm, workspace, size.ttftTurns());
          direct.addAll(ttft.direct());
          capstan.addAll(ttft.capstan());
          beforeLlm.addAll(ttft.before());
          afterLlm.addAll(ttft.after());
          addedP50.add(percentile(ttft.capstan(), 0.5) - percentile(ttft.direct(), 0.5));
          addedP99.add(percentile(ttft.capstan(), 0.99) - percentile(ttft.direct(), 0.99));
          LoadRun load =
              loadRun(
                  api, endpoint, llm.clock(), workspace, size.parallel(), size.turnsPerSession());
          throughput.add(load.turnsPerSecond());
          loadedTtft.add(load.ttftP50());
        } finally {
          if (daemon != null) {
            daemon.destroy();
            daemon.waitFor(30, TimeUnit.SECONDS);
            daemon.destroyForcibly();
          }
          Processes.deleteTree(home);
          Processes.deleteTree(workspace);
        }
      }
    }
    double ideal = size.parallel() / (pacing.answer().toNanos() / 1e9);
    String server =
        "LLM stand-in on loopback, "
            + pacing.describe()
            + " per answer, each stream paced on its own";
    String coalescing =
        "Deltas go through the event log's output coalescer (chunks of up to 16 KiB, at most 20 ms"
            + " linger) and are committed before they are sent (durable before visible); the first"
            + " text of a turn is flushed at once, so it does not wait for the linger, and later"
            + " tokens arrive in chunks of up to 20 ms";
    return List.of(
        new Figure(
            "Time to first token, direct to the LLM server",
            "ms",
            direct,
            Optional.empty(),
            server
                + "; streaming POST /v1/chat/completions from this JVM until the first SSE line"
                + " with content ("
                + direct.size()
                + " samples over "
                + runs
                + " run(s), after a warm-up)"),
        new Figure(
            "Same, p99",
            "ms",
            List.of(percentile(direct, 0.99)),
            Optional.empty(),
            "99th percentile of the samples above"),
        new Figure(
            "Time to first token through Capstan",
            "ms",
            capstan,
            Optional.empty(),
            "POST /api/sessions/{id}/turns until a WebSocket subscriber to session/<id> receives"
                + " the turn's first turn.delta, one turn at a time, alternating with the direct"
                + " calls; a new session every "
                + TURNS_PER_CONVERSATION
                + " turns. "
                + coalescing),
        new Figure(
            "Same, p99",
            "ms",
            List.of(percentile(capstan, 0.99)),
            Optional.empty(),
            "99th percentile of the samples above"),
        new Figure(
            "Time to first token added by Capstan, p50",
            "ms",
            addedP50,
            Optional.of(5.0),
            "per run, median through Capstan minus median direct; median and p90 over the runs"),
        new Figure(
            "Time to first token added by Capstan, p99",
            "ms",
            addedP99,
            Optional.empty(),
            "per run, p99 through Capstan minus p99 direct"),
        new Figure(
            "Through Capstan: submit → LLM request received",
            "ms",
            beforeLlm,
            Optional.empty(),
            "where the added time goes, before the LLM: POST turn sent until the LLM stand-in"
                + " (in this JVM) received the chat request (store the turn, queue, start, load"
                + " the history)"),
        new Figure(
            "Through Capstan: first token sent → turn.delta at the subscriber",
            "ms",
            afterLlm,
            Optional.empty(),
            "and after it: the stand-in flushed the first token until the subscriber received"
                + " the first turn.delta (LLM client, coalescer, commit, WebSocket)"),
        new Figure(
            "Turns/s end to end, " + size.parallel() + " sessions in parallel",
            "turns/s",
            throughput,
            Optional.empty(),
            true,
            size.parallel()
                + " sessions each queueing "
                + size.turnsPerSession()
                + " turns back to back (one client thread and one WebSocket each), from the first"
                + " submit until the last turn.completed; "
                + server
                + ", so the pacing alone allows at most "
                + String.format(java.util.Locale.ROOT, "%.0f", ideal)
                + " turns/s"),
        new Figure(
            "Time to first token through Capstan under that load, p50",
            "ms",
            loadedTtft,
            Optional.empty(),
            "per run, the median over the turns above of turn.started to the first turn.delta"
                + " at the subscriber (queue wait excluded)"));
  }

  /** The samples of one run, in milliseconds. */
  private record TtftRun(
      List<Double> direct, List<Double> capstan, List<Double> before, List<Double> after) {}

  private TtftRun ttftRun(
      TaskThroughputBench.Api api,
      SessionWatch.Endpoint endpoint,
      BenchLlmServer llm,
      Path workspace,
      int turns)
      throws Exception {
    Stopwatch clock = llm.clock();
    List<Double> direct = new ArrayList<>();
    List<Double> capstan = new ArrayList<>();
    List<Double> before = new ArrayList<>();
    List<Double> after = new ArrayList<>();
    // why: the first turns of a fresh daemon JIT-compile the hot paths; measure them warm.
    int warmUp = Math.max(10, Math.min(turns / 5, 50));
    try (HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        SessionWatch watch = SessionWatch.connect(endpoint, clock)) {
      String session = null;
      for (int i = 0; i < warmUp + turns; i++) {
        if (i % TURNS_PER_CONVERSATION == 0) {
          session = newSession(api, workspace, "ttft " + i);
          watch.subscribe(session);
        }
        double viaLlm = directTtft(http, llm, clock);
        String message = "question " + i + " in " + session;
        SessionWatch.Seen seen = turn(api, watch, session, message, clock);
        BenchLlmServer.Stamp stamp =
            llm.stamp(message)
                .orElseThrow(() -> new IllegalStateException("the LLM never saw " + message));
        if (i >= warmUp) {
          direct.add(viaLlm);
          capstan.add(seen.ttftMillis());
          before.add((stamp.receivedAt() - seen.sentAt()) / 1e6);
          after.add((seen.firstDeltaAt() - stamp.firstTokenAt()) / 1e6);
        }
      }
    }
    return new TtftRun(direct, capstan, before, after);
  }

  /** One turn from submit to its end, as the subscriber saw it. */
  private static SessionWatch.Seen turn(
      TaskThroughputBench.Api api,
      SessionWatch watch,
      String session,
      String message,
      Stopwatch clock)
      throws Exception {
    ObjectNode body = Json.mapper().createObjectNode().put("message", message);
    long sentAt = clock.elapsed().toNanos();
    String turnId =
        api.send("POST", "/api/sessions/" + session + "/turns", body.toString())
            .path("turnId")
            .asText();
    SessionWatch.Seen seen =
        watch.ended(turnId).get(TURN_DEADLINE.toSeconds(), TimeUnit.SECONDS).since(sentAt);
    if (!seen.completed()) {
      throw new IllegalStateException("turn " + turnId + " did not complete: " + seen.error());
    }
    return seen;
  }

  private static double directTtft(HttpClient http, BenchLlmServer llm, Stopwatch clock)
      throws Exception {
    ObjectNode body =
        Json.mapper().createObjectNode().put("model", BenchLlmServer.MODEL).put("stream", true);
    body.putArray("messages").addObject().put("role", "user").put("content", "question");
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(llm.baseUrl() + "/chat/completions"))
            .timeout(TURN_DEADLINE)
            .header("Content-Type", "application/json")
            .header("Accept", "text/event-stream")
            .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
            .build();
    long sentAt = clock.elapsed().toNanos();
    HttpResponse<InputStream> response =
        http.send(request, HttpResponse.BodyHandlers.ofInputStream());
    long firstAt = -1;
    try (BufferedReader reader =
        new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        if (firstAt < 0 && line.startsWith("data: ") && !line.equals("data: [DONE]")) {
          long now = clock.elapsed().toNanos();
          JsonNode content =
              Json.mapper().readTree(line.substring(6)).path("choices").path(0).path("delta");
          if (!content.path("content").asText("").isEmpty()) {
            firstAt = now;
          }
        }
      }
    }
    if (response.statusCode() != 200 || firstAt < 0) {
      throw new IllegalStateException("the LLM stand-in answered " + response.statusCode());
    }
    return (firstAt - sentAt) / 1e6;
  }

  /** What the parallel run measured. */
  private record LoadRun(double turnsPerSecond, double ttftP50) {}

  private LoadRun loadRun(
      TaskThroughputBench.Api api,
      SessionWatch.Endpoint endpoint,
      Stopwatch clock,
      Path workspace,
      int parallel,
      int turns)
      throws Exception {
    List<String> sessions = new ArrayList<>();
    List<SessionWatch> watches = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(parallel);
    try {
      for (int s = 0; s < parallel; s++) {
        String session = newSession(api, workspace, "load " + s);
        SessionWatch watch = SessionWatch.connect(endpoint, clock);
        watches.add(watch);
        watch.subscribe(session);
        sessions.add(session);
      }
      Stopwatch wall = Stopwatch.start();
      List<Future<List<SessionWatch.Seen>>> done = new ArrayList<>();
      for (int s = 0; s < parallel; s++) {
        String session = sessions.get(s);
        SessionWatch watch = watches.get(s);
        done.add(pool.submit(() -> queueAndAwait(session, watch, turns, clock)));
      }
      List<Double> ttft = new ArrayList<>();
      for (Future<List<SessionWatch.Seen>> future : done) {
        for (SessionWatch.Seen seen : future.get(30, TimeUnit.MINUTES)) {
          ttft.add(seen.startToFirstDeltaMillis());
        }
      }
      double seconds = wall.elapsed().toNanos() / 1e9;
      return new LoadRun((double) parallel * turns / seconds, percentile(ttft, 0.5));
    } finally {
      pool.shutdownNow();
      for (SessionWatch watch : watches) {
        watch.close();
      }
    }
  }

  private static List<SessionWatch.Seen> queueAndAwait(
      String session, SessionWatch watch, int turns, Stopwatch clock) throws Exception {
    // why: one client per session, each with its own connection, as separate chat windows.
    TaskThroughputBench.Api own = TaskThroughputBench.Api.open(watch.endpoint().home());
    List<String> ids = new ArrayList<>();
    List<Long> sentAt = new ArrayList<>();
    for (int t = 0; t < turns; t++) {
      ObjectNode body = Json.mapper().createObjectNode().put("message", "load " + t);
      sentAt.add(clock.elapsed().toNanos());
      ids.add(
          own.send("POST", "/api/sessions/" + session + "/turns", body.toString())
              .path("turnId")
              .asText());
    }
    List<SessionWatch.Seen> seen = new ArrayList<>();
    for (int t = 0; t < turns; t++) {
      SessionWatch.Seen one =
          watch
              .ended(ids.get(t))
              .get(TURN_DEADLINE.toSeconds() * turns, TimeUnit.SECONDS)
              .since(sentAt.get(t));
      if (!one.completed()) {
        throw new IllegalStateException("turn " + ids.get(t) + " did not complete: " + one.error());
      }
      seen.add(one);
    }
    return seen;
  }

  private static String newSession(TaskThroughputBench.Api api, Path workspace, String title)
      throws IOException {
    ObjectNode body =
        Json.mapper()
            .createObjectNode()
            .put("dir", workspace.toString())
            .put("model", BenchLlmServer.MODEL)
            .put("title", title);
    return api.send("POST", "/api/sessions", body.toString()).path("id").asText();
  }

  static double percentile(List<Double> values, double fraction) {
    return TaskThroughputBench.percentile(values, fraction);
  }
}
