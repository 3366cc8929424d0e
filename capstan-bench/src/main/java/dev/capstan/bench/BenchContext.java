package dev.capstan.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Where the benchmarks find Capstan and how many times they repeat each measurement.
 *
 * @param root the repository root (holds the {@code capstan} launcher)
 * @param runs samples per figure
 * @param java the java binary for runs that bypass the launcher
 * @param tasks how many tasks the task suite queues per run
 * @param sessions how the session suite is sized and how its LLM stand-in streams
 */
public record BenchContext(Path root, int runs, String java, int tasks, SessionSize sessions) {
  /** The task suite's default size. */
  public static final int DEFAULT_TASKS = 1_000;

  /**
   * The size of the session suite.
   *
   * @param ttftTurns turns measured one at a time per run, for time to first token (and as many
   *     direct calls)
   * @param parallel sessions running turns at the same time, for throughput
   * @param turnsPerSession turns each of those sessions queues back to back
   * @param pacing how the LLM stand-in streams every answer
   */
  record SessionSize(
      int ttftTurns, int parallel, int turnsPerSession, BenchLlmServer.Pacing pacing) {
    /** 200 measured turns; 20 sessions × 25 turns; first token after 20 ms, 19 more every 2 ms. */
    static final SessionSize DEFAULTS =
        new SessionSize(
            200,
            20,
            25,
            new BenchLlmServer.Pacing(Duration.ofMillis(20), Duration.ofMillis(2), 20));

    public SessionSize {
      if (ttftTurns < 1 || parallel < 1 || turnsPerSession < 1) {
        throw new IllegalArgumentException("session suite sizes must be >= 1");
      }
      Objects.requireNonNull(pacing, "pacing");
    }
  }

  public BenchContext {
    Objects.requireNonNull(sessions, "sessions");
    if (tasks < 1) {
      throw new IllegalArgumentException("tasks must be >= 1, was " + tasks);
    }
    Objects.requireNonNull(root, "root");
    Objects.requireNonNull(java, "java");
    if (runs < 1) {
      throw new IllegalArgumentException("runs must be >= 1, was " + runs);
    }
  }

  /** The shaded jar. */
  public Path jar() {
    return root.resolve("capstan-app/target/capstan.jar");
  }

  /** The launcher script. */
  public Path launcher() {
    return root.resolve("capstan");
  }

  /** A fresh, empty Capstan home. */
  public Path newHome() throws IOException {
    return Files.createTempDirectory("capstan-bench-home");
  }
}
