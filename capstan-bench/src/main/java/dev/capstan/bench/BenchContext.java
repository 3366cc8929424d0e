package dev.capstan.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Where the benchmarks find Capstan and how many times they repeat each measurement.
 *
 * @param root the repository root (holds the {@code capstan} launcher)
 * @param runs samples per figure
 * @param java the java binary for runs that bypass the launcher
 * @param tasks how many tasks the task suite queues per run
 */
public record BenchContext(Path root, int runs, String java, int tasks) {
  /** The task suite's default size. */
  public static final int DEFAULT_TASKS = 1_000;

  public BenchContext {
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
