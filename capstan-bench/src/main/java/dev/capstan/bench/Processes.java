package dev.capstan.bench;

import dev.capstan.time.Stopwatch;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Running commands and waiting on them, for the benchmarks. Stateless. */
final class Processes {
  private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(60);

  private Processes() {}

  /**
   * Runs a command to completion; returns its wall time in milliseconds. Fails on non-zero exit.
   */
  static double timed(List<String> command, Map<String, String> env) throws Exception {
    Stopwatch stopwatch = Stopwatch.start();
    Process process = start(command, env);
    if (!process.waitFor(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException("timed out: " + command);
    }
    double millis = stopwatch.elapsed().toNanos() / 1e6;
    if (process.exitValue() != 0) {
      throw new IllegalStateException("exit " + process.exitValue() + ": " + command);
    }
    return millis;
  }

  /** Starts a command with output discarded and {@code env} added to the environment. */
  static Process start(List<String> command, Map<String, String> env) throws IOException {
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    builder.environment().remove("CAPSTAN_URL");
    builder.environment().remove("CAPSTAN_TOKEN");
    builder.environment().putAll(env);
    return builder.start();
  }

  /**
   * CPU time in milliseconds (user + system) of process {@code pid} itself and of its children that
   * it has waited for, from {@code /proc/<pid>/stat}; empty when unreadable (not Linux).
   */
  static Optional<double[]> cpuMillis(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      // fields[11..14] are utime, stime, cutime, cstime in clock ticks (fields 14-17 of stat).
      double self = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
      double children = Long.parseLong(fields[13]) + Long.parseLong(fields[14]);
      double millisPerTick = 1000.0 / CLOCK_TICKS;
      return Optional.of(new double[] {self * millisPerTick, children * millisPerTick});
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /**
   * CPU time the whole machine spent busy (user, nice, system, irq, softirq; not idle, I/O wait or
   * time stolen by a hypervisor) since boot, in milliseconds, if {@code /proc/stat} is readable.
   * Counts every process, so it also sees what escaped the daemon's child accounting (processes
   * reparented away from it) and the kernel's own work for them.
   */
  static Optional<Double> machineBusyMillis() {
    // fields[0..7]: user nice system idle iowait irq softirq steal
    return cpuLine().map(f -> (f[0] + f[1] + f[2] + f[5] + f[6]) * 1000.0 / CLOCK_TICKS);
  }

  /**
   * All CPU time of the machine since boot and the part a hypervisor stole from it (given to other
   * guests while this one had work), in clock ticks, if {@code /proc/stat} is readable.
   */
  static Optional<long[]> stealTicks() {
    return cpuLine()
        .map(f -> new long[] {f[0] + f[1] + f[2] + f[3] + f[4] + f[5] + f[6] + f[7], f[7]});
  }

  /** The first eight counters of {@code /proc/stat}'s {@code cpu} line, in clock ticks. */
  private static Optional<long[]> cpuLine() {
    try {
      String[] fields = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
      long[] ticks = new long[8];
      for (int i = 0; i < ticks.length; i++) {
        ticks[i] = i + 1 < fields.length ? Long.parseLong(fields[i + 1]) : 0;
      }
      return Optional.of(ticks);
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  // why: USER_HZ is 100 on every Linux architecture Capstan runs on.
  private static final int CLOCK_TICKS = 100;

  /** Extra JVM options for a daemon the benchmarks start, as the CLI takes them. */
  static List<String> daemonJavaOptions() {
    String extra = System.getenv().getOrDefault("CAPSTAN_DAEMON_JAVA_OPTS", "").trim();
    return extra.isEmpty() ? List.of() : List.of(extra.split("\\s+"));
  }

  /** A port that was free a moment ago. */
  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /** Deletes a directory tree. */
  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }
}
