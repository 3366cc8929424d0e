package dev.capstan.bench;

import dev.capstan.time.Clocks;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs the benchmark suites against the packaged jar, prints a table and writes {@code
 * BENCHMARKS.md}.
 *
 * <p>Usage: {@code ./bench [--runs N] [--root DIR] [--out FILE] [--only TITLE] [--tasks N]}; {@code
 * --tasks} sizes the task suite (default 1,000).
 */
public final class BenchMain {
  /** Every suite, in report order. Later features add theirs here. */
  static final List<Benchmark> SUITES =
      List.of(
          new DaemonLifecycleBench(),
          new EventIngestBench(),
          new EventFanoutBench(),
          new TaskThroughputBench());

  private BenchMain() {}

  public static void main(String[] args) throws Exception {
    Path root = Path.of("").toAbsolutePath();
    int runs = 10;
    Path out = null;
    String only = null;
    int tasks = BenchContext.DEFAULT_TASKS;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--runs" -> runs = Integer.parseInt(args[++i]);
        case "--root" -> root = Path.of(args[++i]).toAbsolutePath();
        case "--out" -> out = Path.of(args[++i]);
        case "--only" -> only = args[++i];
        case "--tasks" -> tasks = Integer.parseInt(args[++i]);
        default -> {
          System.err.println(
              "usage: bench [--runs N] [--root DIR] [--out FILE] [--only TITLE] [--tasks N]");
          System.exit(2);
        }
      }
    }
    String java =
        ProcessHandle.current()
            .info()
            .command()
            .orElse(System.getProperty("java.home") + "/bin/java");
    BenchContext context = new BenchContext(root, runs, java, tasks);
    Map<String, List<Figure>> results = new LinkedHashMap<>();
    for (Benchmark suite : SUITES) {
      if (only != null && !suite.title().equalsIgnoreCase(only)) {
        continue;
      }
      System.err.println("bench: running " + suite.title() + " (" + runs + " runs per figure)");
      results.put(suite.title(), suite.run(context));
    }
    System.out.print(BenchReport.table(results));
    Path file = out != null ? out : root.resolve("BENCHMARKS.md");
    BenchReport.writeMarkdown(
        file,
        results,
        Machine.current(),
        LocalDate.now(Clocks.system().withZone(ZoneOffset.UTC)),
        runs);
    System.err.println("bench: wrote " + file);
  }
}
