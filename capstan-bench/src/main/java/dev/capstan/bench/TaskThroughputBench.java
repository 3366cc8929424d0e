package dev.capstan.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.capstan.json.Json;
import dev.capstan.time.Stopwatch;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The task queue end to end: {@code N} tasks (default 1,000; {@code --tasks N}) with the {@code
 * command} agent running {@code true}, spread round-robin over 20 repos, with the global limit at 8
 * and every repo's at 2, submitted by {@value #SUBMITTERS} concurrent HTTP clients (a user queuing
 * many tasks at once), so the queue fills and every freed slot has a task waiting. Measures tasks/s
 * from the first submit until the last task completed, the rate at which the API accepted them, how
 * long a freed slot stays empty while tasks wait (from the {@code tasks} event stream: a task
 * leaving provisioning/running to the next queued → provisioning), and Capstan's wall time per task
 * against a plain shell script doing the same git work with the same parallelism.
 */
final class TaskThroughputBench implements Benchmark {
  static final int REPOS = 20;
  static final int GLOBAL_LIMIT = 8;
  static final int REPO_LIMIT = 2;
  static final int SUBMITTERS = 8;
  private static final Duration DEADLINE = Duration.ofMinutes(30);
  private static final Set<String> ACTIVE = Set.of("provisioning", "running");

  // The baseline: what a person would script for one task. The worktree add is serialised per
  // repo with flock, as Capstan serialises it with its per-repo lock.
  private static final String SCRIPT =
      """
      set -e
      repo="$1"; wt="$2"; branch="$3"
      flock "$repo/.git/bench.lock" git -C "$repo" worktree add -q -b "$branch" "$wt" main
      cd "$wt"
      true
      if [ -n "$(git status --porcelain)" ]; then
        git add -A
        git -c user.name=bench -c user.email=bench@capstan.invalid commit -q -m "task"
      fi
      """;

  @Override
  public String title() {
    return "Tasks";
  }

  @Override
  public List<Figure> run(BenchContext context) throws Exception {
    int tasks = context.tasks();
    // why: one run of 1,000 tasks takes minutes; three samples are enough for a median.
    int runs = Math.min(context.runs(), 3);
    List<Double> throughput = new ArrayList<>();
    List<Double> submitRate = new ArrayList<>();
    List<Double> fillP50 = new ArrayList<>();
    List<Double> fillP99 = new ArrayList<>();
    List<Double> capstanPerTask = new ArrayList<>();
    List<Double> scriptPerTask = new ArrayList<>();
    List<Double> ratio = new ArrayList<>();
    List<Double> daemonCpu = new ArrayList<>();
    List<Double> childCpu = new ArrayList<>();
    List<Double> scriptCpu = new ArrayList<>();
    List<Double> capstanMachine = new ArrayList<>();
    List<Double> freshThroughput = new ArrayList<>();
    List<Double> freshFillP50 = new ArrayList<>();
    List<Double> freshFillP99 = new ArrayList<>();
    List<Double> freshRatio = new ArrayList<>();
    List<Double> scriptMachine = new ArrayList<>();
    for (int run = 0; run < runs; run++) {
      CapstanRun capstan = capstanRun(context, tasks);
      ScriptRun scriptRun = scriptRun(context, tasks);
      double script = scriptRun.wallMillis();
      capstan
          .cpuMillis()
          .ifPresent(
              cpu -> {
                daemonCpu.add(cpu[0] / tasks);
                childCpu.add(cpu[1] / tasks);
              });
      scriptRun.cpuMillis().ifPresent(cpu -> scriptCpu.add(cpu / tasks));
      capstan.machineMillis().ifPresent(cpu -> capstanMachine.add(cpu / tasks));
      scriptRun.machineMillis().ifPresent(cpu -> scriptMachine.add(cpu / tasks));
      throughput.add(tasks / (capstan.wallMillis() / 1000));
      submitRate.add(tasks / (capstan.submitMillis() / 1000));
      fillP50.add(percentile(capstan.fillGapsMillis(), 0.50));
      fillP99.add(percentile(capstan.fillGapsMillis(), 0.99));
      freshThroughput.add(tasks / (capstan.freshWallMillis() / 1000));
      freshFillP50.add(percentile(capstan.freshFillGapsMillis(), 0.50));
      freshFillP99.add(percentile(capstan.freshFillGapsMillis(), 0.99));
      freshRatio.add(capstan.freshWallMillis() / script);
      capstanPerTask.add(capstan.wallMillis() / tasks);
      scriptPerTask.add(script / tasks);
      ratio.add(capstan.wallMillis() / script);
    }
    String setup =
        tasks
            + " tasks, command agent running `true`, round-robin over "
            + REPOS
            + " repos, limits "
            + GLOBAL_LIMIT
            + " global / "
            + REPO_LIMIT
            + " per repo; "
            + runs
            + " run(s)";
    List<Figure> figures = new ArrayList<>();
    figures.add(
        new Figure(
            "Tasks/s end to end",
            "tasks/s",
            throughput,
            Optional.empty(),
            true,
            setup
                + "; from the first submit until the last task completed, on a daemon that ran"
                + " as many tasks the same way before (a warm daemon, see the fresh-daemon rows);"
                + " the tasks are submitted by "
                + SUBMITTERS
                + " concurrent HTTP clients and start running while the rest are still being"
                + " submitted, so the wall time covers submission and execution overlapped"));
    figures.add(
        new Figure(
            "Submit rate",
            "tasks/s",
            submitRate,
            Optional.empty(),
            true,
            "tasks accepted by POST /api/tasks per second, from the first submit until the last"
                + " answer, "
                + SUBMITTERS
                + " clients at once while the daemon already runs the first tasks"));
    figures.add(
        new Figure(
            "Freed slot → next task started, p50",
            "ms",
            fillP50,
            Optional.empty(),
            "per run, the median over every freed slot that a waiting task could take (one whose"
                + " repo was under its limit; the queue's tail, where every waiting task waits for"
                + " its own repo, is left out): ts of the task.state event leaving"
                + " provisioning/running to the ts of the next queued → provisioning (the `tasks`"
                + " stream)"));
    figures.add(
        new Figure(
            "Freed slot → next task started, p99",
            "ms",
            fillP99,
            Optional.of(50.0),
            "same, 99th percentile per run"));
    figures.add(
        new Figure(
            "Fresh daemon: tasks/s over its first tasks",
            "tasks/s",
            freshThroughput,
            Optional.empty(),
            true,
            "the same number of tasks, submitted the same way, on the freshly started daemon"
                + " (JVM just started, its JIT compiling the hot paths) before the measured round"));
    figures.add(
        new Figure(
            "Fresh daemon: freed slot → next task started, p50",
            "ms",
            freshFillP50,
            Optional.empty(),
            "as above, over that first round"));
    figures.add(
        new Figure(
            "Fresh daemon: freed slot → next task started, p99",
            "ms",
            freshFillP99,
            Optional.empty(),
            "as above, over that first round"));
    figures.add(
        new Figure(
            "Fresh daemon: Capstan ÷ plain script",
            "×",
            freshRatio,
            Optional.empty(),
            "wall time of that first round divided by the plain script's (next rows)"));
    figures.add(
        new Figure(
            "Capstan wall time per task",
            "ms",
            capstanPerTask,
            Optional.empty(),
            "wall time of the whole queue divided by the task count"));
    figures.add(
        new Figure(
            "Plain script wall time per task",
            "ms",
            scriptPerTask,
            Optional.empty(),
            "a shell script per task (git worktree add under a per-repo flock, run `true`, commit"
                + " when anything changed), "
                + GLOBAL_LIMIT
                + " scripts at a time, on the same 20 repos"));
    figures.add(
        new Figure(
            "Overhead ratio, Capstan ÷ plain script",
            "×",
            ratio,
            Optional.of(1.3),
            "both with the same parallelism (" + GLOBAL_LIMIT + " at once)"));
    if (!daemonCpu.isEmpty() && !scriptCpu.isEmpty()) {
      figures.add(
          new Figure(
              "Capstan daemon CPU per task",
              "ms",
              daemonCpu,
              Optional.empty(),
              "user + system time of the daemon JVM itself over the measured tasks, per task"));
      figures.add(
          new Figure(
              "Capstan child processes CPU per task",
              "ms",
              childCpu,
              Optional.empty(),
              "user + system time of the processes the daemon ran (git, setsid, the agent),"
                  + " per task"));
      figures.add(
          new Figure(
              "Plain script CPU per task",
              "ms",
              scriptCpu,
              Optional.empty(),
              "user + system time of the scripts and the git they ran, per task"));
    }
    if (!capstanMachine.isEmpty() && !scriptMachine.isEmpty()) {
      figures.add(
          new Figure(
              "Machine CPU per task, Capstan",
              "ms",
              capstanMachine,
              Optional.empty(),
              "busy CPU time of the whole machine (/proc/stat: user, nice, system, irq, softirq)"
                  + " while the measured tasks ran, per task: the daemon, everything it started"
                  + " (also what left its process tree) and the bench's own clients"));
      figures.add(
          new Figure(
              "Machine CPU per task, plain script",
              "ms",
              scriptMachine,
              Optional.empty(),
              "same, while the plain scripts ran"));
    }
    return figures;
  }

  /**
   * What one Capstan run measured.
   *
   * @param cpuMillis the daemon's own CPU time and that of the processes it ran (git, the agents),
   *     over the measured tasks; empty when {@code /proc} cannot be read
   * @param machineMillis the busy CPU time of the whole machine over the measured tasks
   * @param freshWallMillis the same number of tasks on the fresh daemon, before the measured ones
   * @param freshFillGapsMillis the freed-slot gaps of that fresh round
   */
  private record CapstanRun(
      double freshWallMillis,
      List<Double> freshFillGapsMillis,
      double wallMillis,
      double submitMillis,
      List<Double> fillGapsMillis,
      Optional<double[]> cpuMillis,
      Optional<Double> machineMillis) {}

  /** The daemon JVM, with the options of {@code CAPSTAN_DAEMON_JAVA_OPTS} (for profiling). */
  static List<String> daemonCommand(BenchContext context) {
    List<String> command = new ArrayList<>();
    command.add(context.java());
    command.addAll(Processes.daemonJavaOptions());
    command.addAll(List.of("-jar", context.jar().toString(), "daemon", "run"));
    return command;
  }

  private static Optional<Double> machineDelta(Optional<Double> before) {
    Optional<Double> after = Processes.machineBusyMillis();
    return before.isEmpty() || after.isEmpty()
        ? Optional.empty()
        : Optional.of(after.get() - before.get());
  }

  private static Optional<double[]> cpuDelta(Optional<double[]> before, Optional<double[]> after) {
    if (before.isEmpty() || after.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        new double[] {after.get()[0] - before.get()[0], after.get()[1] - before.get()[1]});
  }

  private CapstanRun capstanRun(BenchContext context, int tasks) throws Exception {
    Path home = context.newHome();
    Path repos = Files.createTempDirectory("capstan-bench-repos");
    Process daemon = null;
    try {
      List<Path> repoDirs = createRepos(repos);
      daemon =
          Processes.start(
              daemonCommand(context),
              Map.of(
                  "CAPSTAN_HOME",
                  home.toString(),
                  "CAPSTAN_PORT",
                  Integer.toString(Processes.freePort()),
                  "CAPSTAN_MAX_CONCURRENT",
                  Integer.toString(GLOBAL_LIMIT)));
      Api api = Api.await(home, daemon);
      api.send("PUT", "/api/limits", "{\"maxConcurrent\":" + GLOBAL_LIMIT + "}");
      for (Path dir : repoDirs) {
        ObjectNode repo = Json.mapper().createObjectNode();
        repo.put("source", dir.toString());
        repo.put("name", dir.getFileName().toString());
        repo.put("maxConcurrent", REPO_LIMIT);
        repo.put("agent", "command");
        repo.put("command", "true");
        api.send("POST", "/api/repos", repo.toString());
      }
      // why: a fresh daemon compiles its hot paths during its first tasks (the JIT takes about as
      // much CPU as the daemon's own work then). The goals are measured on a daemon that ran as
      // many tasks before, as one that runs for days has; the fresh round is reported beside it.
      int warmUp = tasks;
      // why: the bench learns of finished tasks as a dashboard would, from the tasks stream;
      // polling the API instead would add daemon CPU that no user's queue pays.
      long freshAfter = lastSeq(api);
      try (TasksWatch watch = TasksWatch.follow(SessionWatch.Endpoint.of(home), freshAfter)) {
        Stopwatch freshWall = Stopwatch.start();
        submit(home, repoDirs, warmUp, "warm-up");
        watch.awaitCompleted(warmUp, DEADLINE);
        double freshMillis = freshWall.elapsed().toNanos() / 1e6;
        long measuredAfter = lastSeq(api);
        List<Double> freshGaps = fillGaps(tasksEvents(api, freshAfter, measuredAfter));
        Optional<double[]> cpuBefore = Processes.cpuMillis(daemon.pid());
        Optional<Double> machineBefore = Processes.machineBusyMillis();
        Stopwatch wall = Stopwatch.start();
        submit(home, repoDirs, tasks, "bench");
        double submitMillis = wall.elapsed().toNanos() / 1e6;
        watch.awaitCompleted(warmUp + tasks, DEADLINE);
        double wallMillis = wall.elapsed().toNanos() / 1e6;
        Optional<double[]> cpuAfter = Processes.cpuMillis(daemon.pid());
        Optional<Double> machine = machineDelta(machineBefore);
        return new CapstanRun(
            freshMillis,
            freshGaps,
            wallMillis,
            submitMillis,
            fillGaps(tasksEvents(api, measuredAfter)),
            cpuDelta(cpuBefore, cpuAfter),
            machine);
      }
    } finally {
      if (daemon != null) {
        daemon.destroy();
        daemon.waitFor(30, TimeUnit.SECONDS);
        daemon.destroyForcibly();
      }
      if (System.getenv("CAPSTAN_BENCH_KEEP_HOME") != null) {
        System.err.println("task bench: daemon home kept at " + home);
      } else {
        Processes.deleteTree(home);
      }
      Processes.deleteTree(repos);
    }
  }

  /**
   * Submits {@code count} tasks round-robin over the repos from {@link #SUBMITTERS} clients at
   * once, each with its own connection; returns once every submit was answered.
   */
  private static void submit(Path home, List<Path> repoDirs, int count, String label)
      throws Exception {
    ExecutorService clients = Executors.newFixedThreadPool(SUBMITTERS);
    try {
      List<Future<Void>> done = new ArrayList<>();
      for (int c = 0; c < SUBMITTERS; c++) {
        int client = c;
        Api api = Api.open(home);
        done.add(
            clients.submit(
                () -> {
                  for (int i = client; i < count; i += SUBMITTERS) {
                    ObjectNode task = Json.mapper().createObjectNode();
                    task.put("repo", repoDirs.get(i % REPOS).getFileName().toString());
                    task.put("prompt", label + " task " + i);
                    api.send("POST", "/api/tasks", task.toString());
                  }
                  return null;
                }));
      }
      for (Future<Void> future : done) {
        future.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
      }
    } finally {
      clients.shutdownNow();
    }
  }

  private static long lastSeq(Api api) throws IOException {
    List<JsonNode> events = tasksEvents(api, 0);
    return events.isEmpty() ? 0 : events.get(events.size() - 1).path("seq").asLong();
  }

  /** The events of the {@code tasks} stream after {@code afterSeq} up to {@code upToSeq}. */
  static List<JsonNode> tasksEvents(Api api, long afterSeq, long upToSeq) throws IOException {
    return tasksEvents(api, afterSeq).stream()
        .filter(event -> event.path("seq").asLong() <= upToSeq)
        .toList();
  }

  /** The events of the {@code tasks} stream after {@code afterSeq}, in seq order. */
  static List<JsonNode> tasksEvents(Api api, long afterSeq) throws IOException {
    List<JsonNode> events = new ArrayList<>();
    long after = afterSeq;
    while (true) {
      JsonNode page =
          api.send("GET", "/api/events?stream=tasks&afterSeq=" + after + "&limit=1000", null)
              .path("events");
      page.forEach(events::add);
      if (page.size() < 1000) {
        break;
      }
      after = page.get(page.size() - 1).path("seq").asLong();
    }
    return events;
  }

  /**
   * Replays the {@code tasks} stream: each time a task leaves provisioning/running while a queued
   * task could take its slot (one whose repo is under its limit), a slot is freed; the next queued
   * → provisioning fills the oldest freed slot. A slot freed while every queued task waits for its
   * own repo's limit is not counted: the queue's tail often looks like that, and no dispatcher
   * could fill it. Returns the gaps in milliseconds.
   */
  static List<Double> fillGaps(List<JsonNode> events) {
    Deque<Instant> freed = new ArrayDeque<>();
    List<Double> gaps = new ArrayList<>();
    Map<String, Integer> active = new HashMap<>();
    Map<String, Integer> queued = new HashMap<>();
    for (JsonNode event : events) {
      if (!"task.state".equals(event.path("type").asText())) {
        continue;
      }
      JsonNode data = event.path("data");
      String repo = data.path("repo").asText("");
      String from = data.path("from").asText("");
      String to = data.path("to").asText("");
      Instant at = Instant.parse(event.path("ts").asText());
      if (to.equals("queued")) {
        queued.merge(repo, 1, Integer::sum);
      }
      if (from.equals("queued")) {
        queued.merge(repo, -1, Integer::sum);
      }
      if (ACTIVE.contains(to) && !ACTIVE.contains(from)) {
        active.merge(repo, 1, Integer::sum);
      }
      if (ACTIVE.contains(from) && !ACTIVE.contains(to)) {
        active.merge(repo, -1, Integer::sum);
        boolean fillable =
            queued.entrySet().stream()
                .anyMatch(q -> q.getValue() > 0 && active.getOrDefault(q.getKey(), 0) < REPO_LIMIT);
        if (fillable) {
          freed.addLast(at);
        }
      }
      if (from.equals("queued") && to.equals("provisioning") && !freed.isEmpty()) {
        gaps.add(Duration.between(freed.removeFirst(), at).toNanos() / 1e6);
      }
    }
    return gaps;
  }

  /** What one script run measured: wall time and the CPU time of its processes, if readable. */
  private record ScriptRun(
      double wallMillis, Optional<Double> cpuMillis, Optional<Double> machineMillis) {}

  private ScriptRun scriptRun(BenchContext context, int tasks) throws Exception {
    Path repos = Files.createTempDirectory("capstan-bench-script");
    ExecutorService pool = Executors.newFixedThreadPool(GLOBAL_LIMIT);
    try {
      List<Path> repoDirs = createRepos(repos);
      Path script = repos.resolve("task.sh");
      Files.writeString(script, SCRIPT);
      long self = ProcessHandle.current().pid();
      Optional<double[]> cpuBefore = Processes.cpuMillis(self);
      Optional<Double> machineBefore = Processes.machineBusyMillis();
      Stopwatch wall = Stopwatch.start();
      List<Future<Double>> done = new ArrayList<>();
      for (int i = 0; i < tasks; i++) {
        Path repo = repoDirs.get(i % REPOS);
        Path worktree = repos.resolve("worktrees").resolve("task-" + i);
        List<String> command =
            List.of(
                "sh", script.toString(), repo.toString(), worktree.toString(), "bench/task-" + i);
        done.add(pool.submit(() -> Processes.timed(command, Map.of())));
      }
      for (Future<Double> future : done) {
        future.get();
      }
      double wallMillis = wall.elapsed().toNanos() / 1e6;
      // why: every script was waited for by this JVM, so its CPU (and its git's) is in our
      // children's CPU time.
      return new ScriptRun(
          wallMillis,
          cpuDelta(cpuBefore, Processes.cpuMillis(self)).map(cpu -> cpu[1]),
          machineDelta(machineBefore));
    } finally {
      pool.shutdownNow();
      Processes.deleteTree(repos);
    }
  }

  private static List<Path> createRepos(Path parent) throws Exception {
    List<Path> dirs = new ArrayList<>();
    for (int r = 0; r < REPOS; r++) {
      Path dir = parent.resolve("repo-" + r);
      Files.createDirectories(dir);
      git(dir, "init", "-q", "-b", "main");
      Files.writeString(dir.resolve("README.md"), "bench repo " + r + "\n");
      git(dir, "add", "README.md");
      git(
          dir,
          "-c",
          "user.name=bench",
          "-c",
          "user.email=bench@capstan.invalid",
          "commit",
          "-qm",
          "init");
      dirs.add(dir);
    }
    return dirs;
  }

  private static void git(Path dir, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("git", "-C", dir.toString()));
    command.addAll(List.of(args));
    Processes.timed(command, Map.of());
  }

  static double percentile(List<Double> values, double fraction) {
    if (values.isEmpty()) {
      return 0;
    }
    List<Double> sorted = values.stream().sorted().toList();
    int rank = (int) Math.ceil(fraction * sorted.size());
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
  }

  /** The daemon's REST API with the home's token. Confined to one thread at a time. */
  static final class Api {
    private final HttpClient http;
    private final String url;
    private final String token;

    private Api(String url, String token) {
      this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      this.url = url;
      this.token = token;
    }

    static Api await(Path home, Process daemon) throws Exception {
      Stopwatch waited = Stopwatch.start();
      Path manifest = home.resolve("daemon.json");
      while (!Files.exists(manifest)) {
        if (!daemon.isAlive()) {
          throw new IllegalStateException("daemon exited with " + daemon.exitValue());
        }
        if (waited.hasElapsed(Duration.ofSeconds(60))) {
          throw new IllegalStateException("daemon not healthy within 60 s");
        }
        Thread.sleep(5);
      }
      return open(home);
    }

    /** The API of the daemon running for {@code home} (its manifest is written). */
    static Api open(Path home) throws IOException {
      String url =
          Json.mapper().readTree(home.resolve("daemon.json").toFile()).path("url").asText();
      String token =
          Json.mapper().readTree(home.resolve("auth.json").toFile()).path("token").asText();
      return new Api(url, token);
    }

    JsonNode send(String method, String path, String body) throws IOException {
      HttpRequest request =
          HttpRequest.newBuilder(URI.create(url + path))
              .timeout(Duration.ofSeconds(30))
              .header("Authorization", "Bearer " + token)
              .header("Content-Type", "application/json")
              .method(
                  method,
                  body == null
                      ? HttpRequest.BodyPublishers.noBody()
                      : HttpRequest.BodyPublishers.ofString(body))
              .build();
      try {
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() >= 300) {
          throw new IllegalStateException(
              method + " " + path + " answered " + response.statusCode() + ": " + response.body());
        }
        return response.body().isBlank()
            ? Json.mapper().createObjectNode()
            : Json.mapper().readTree(response.body());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted", e);
      }
    }
  }
}
