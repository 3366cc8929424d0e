package dev.capstan.bench;

import dev.capstan.time.Clocks;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Runs the benchmark suites against the packaged jar, prints a table and writes {@code
 * BENCHMARKS.md}.
 *
 * <p>Usage: {@code ./bench [--runs N] [--root DIR] [--out FILE] [--only TITLE] [--tasks N]
 * [--ttft-turns N] [--sessions N] [--session-turns N] [--llm-first-token-ms N] [--llm-token-ms N]
 * [--llm-tokens N]}; {@code --tasks} sizes the task suite (default 1,000), the others the session
 * suite and its LLM stand-in (see {@link BenchContext.SessionSize#DEFAULTS}).
 */
public final class BenchMain {
  /** Every suite, in report order. Later features add theirs here. */
  static final List<Benchmark> SUITES =
      List.of(
          new DaemonLifecycleBench(),
          new EventIngestBench(),
          new EventFanoutBench(),
          new TaskThroughputBench(),
          new SessionBench());

  private BenchMain() {}

  public static void main(String[] args) throws Exception {
    Path root = Path.of("").toAbsolutePath();
    int runs = 10;
    Path out = null;
    String only = null;
    int tasks = BenchContext.DEFAULT_TASKS;
    BenchContext.SessionSize defaults = BenchContext.SessionSize.DEFAULTS;
    int ttftTurns = defaults.ttftTurns();
    int sessions = defaults.parallel();
    int sessionTurns = defaults.turnsPerSession();
    long firstTokenMs = defaults.pacing().firstToken().toMillis();
    long tokenMs = defaults.pacing().perToken().toMillis();
    int tokens = defaults.pacing().tokens();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--runs" -> runs = Integer.parseInt(args[++i]);
        case "--root" -> root = Path.of(args[++i]).toAbsolutePath();
        case "--out" -> out = Path.of(args[++i]);
        case "--only" -> only = args[++i];
        case "--tasks" -> tasks = Integer.parseInt(args[++i]);
        case "--ttft-turns" -> ttftTurns = Integer.parseInt(args[++i]);
        case "--sessions" -> sessions = Integer.parseInt(args[++i]);
        case "--session-turns" -> sessionTurns = Integer.parseInt(args[++i]);
        case "--llm-first-token-ms" -> firstTokenMs = Long.parseLong(args[++i]);
        case "--llm-token-ms" -> tokenMs = Long.parseLong(args[++i]);
        case "--llm-tokens" -> tokens = Integer.parseInt(args[++i]);
        default -> {
          System.err.println(
              "usage: bench [--runs N] [--root DIR] [--out FILE] [--only TITLE] [--tasks N]"
                  + " [--ttft-turns N] [--sessions N] [--session-turns N]"
                  + " [--llm-first-token-ms N] [--llm-token-ms N] [--llm-tokens N]");
          System.exit(2);
        }
      }
    }
    String java =
        ProcessHandle.current()
            .info()
            .command()
            .orElse(System.getProperty("java.home") + "/bin/java");
    BenchContext.SessionSize sessionSize =
        new BenchContext.SessionSize(
            ttftTurns,
            sessions,
            sessionTurns,
            new BenchLlmServer.Pacing(
                Duration.ofMillis(firstTokenMs), Duration.ofMillis(tokenMs), tokens));
    BenchContext context = new BenchContext(root, runs, java, tasks, sessionSize);
    Map<String, List<Figure>> results = new LinkedHashMap<>();
    Optional<long[]> stealBefore = Processes.stealTicks();
    for (Benchmark suite : SUITES) {
      if (only != null && !suite.title().equalsIgnoreCase(only)) {
        continue;
      }
      System.err.println("bench: running " + suite.title() + " (" + runs + " runs per figure)");
      results.put(suite.title(), suite.run(context));
    }
    Optional<long[]> stealAfter = Processes.stealTicks();
    // why: on a shared virtual machine the host's other guests take CPU time the figures then
    // lack; the share is printed with them so that runs on a busy host can be told apart.
    Optional<Double> stealPercent =
        stealBefore.isEmpty() || stealAfter.isEmpty() || stealAfter.get()[0] == stealBefore.get()[0]
            ? Optional.empty()
            : Optional.of(
                100.0
                    * (stealAfter.get()[1] - stealBefore.get()[1])
                    / (stealAfter.get()[0] - stealBefore.get()[0]));
    System.out.print(BenchReport.table(results));
    Path file = out != null ? out : root.resolve("BENCHMARKS.md");
    BenchReport.writeMarkdown(
        file,
        results,
        Machine.current(),
        LocalDate.now(Clocks.system().withZone(ZoneOffset.UTC)),
        runs,
        stealPercent);
    System.err.println("bench: wrote " + file);
  }
}
