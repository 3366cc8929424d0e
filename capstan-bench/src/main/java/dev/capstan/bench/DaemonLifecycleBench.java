package dev.capstan.bench;

import dev.capstan.manifest.DaemonManifest;
import dev.capstan.manifest.ManifestFile;
import dev.capstan.process.ProcessIdentity;
import dev.capstan.time.Stopwatch;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The daemon lifecycle as a user feels it: how long a cold start takes to become healthy, how long
 * {@code capstan daemon status} takes against a running daemon, and how long the next command takes
 * after the daemon was killed with SIGKILL (the crash guardian restarts it).
 */
final class DaemonLifecycleBench implements Benchmark {
  private static final Duration START_DEADLINE = Duration.ofSeconds(60);

  @Override
  public String title() {
    return "Daemon lifecycle";
  }

  @Override
  public List<Figure> run(BenchContext context) throws Exception {
    // why: the launcher builds its startup caches on first use; do that outside the measurements.
    Processes.timed(List.of(context.launcher().toString(), "--version"), Map.of());
    List<Figure> figures = new ArrayList<>();
    Path daemonCache = context.root().resolve("capstan-app/target/capstan-daemon.cache");
    figures.add(
        new Figure(
            "Cold start to healthy, `daemon run` with the startup cache",
            "ms",
            coldStarts(
                context, Files.exists(daemonCache) ? List.of(cacheFlag(daemonCache)) : List.of()),
            Optional.of(1000.0),
            "JVM spawn until daemon.json is written (written only after the daemon answered its own"
                + " health check); JVM options as the launcher passes them"));
    figures.add(
        new Figure(
            "Cold start to healthy, `java -jar` without a cache",
            "ms",
            coldStarts(context, List.of()),
            Optional.empty(),
            "same, plain JVM"));
    figures.add(
        new Figure(
            "`capstan daemon start` on a fresh home, until it returns",
            "ms",
            launcherStarts(context),
            Optional.empty(),
            "the launcher's CLI JVM, the spawn, and the wait for health"));
    figures.add(statusTimes(context, true));
    figures.add(statusTimes(context, false));
    figures.add(killRecovery(context));
    return figures;
  }

  private static String cacheFlag(Path cache) {
    return Runtime.version().feature() >= 25
        ? "-XX:AOTCache=" + cache
        : "-XX:SharedArchiveFile=" + cache;
  }

  private List<Double> coldStarts(BenchContext context, List<String> jvmOptions) throws Exception {
    List<Double> samples = new ArrayList<>();
    for (int run = 0; run <= context.runs(); run++) {
      Path home = context.newHome();
      int port = Processes.freePort();
      List<String> command = new ArrayList<>();
      command.add(context.java());
      command.addAll(jvmOptions);
      command.addAll(List.of("-jar", context.jar().toString(), "daemon", "run"));
      Stopwatch stopwatch = Stopwatch.start();
      Process daemon =
          Processes.start(
              command,
              Map.of("CAPSTAN_HOME", home.toString(), "CAPSTAN_PORT", Integer.toString(port)));
      try {
        awaitManifest(home, daemon);
        double millis = stopwatch.elapsed().toNanos() / 1e6;
        if (run > 0) {
          samples.add(millis);
        }
      } finally {
        daemon.destroy();
        daemon.waitFor(30, TimeUnit.SECONDS);
        daemon.destroyForcibly();
        Processes.deleteTree(home);
      }
    }
    return samples;
  }

  private List<Double> launcherStarts(BenchContext context) throws Exception {
    List<Double> samples = new ArrayList<>();
    for (int run = 0; run <= context.runs(); run++) {
      Path home = context.newHome();
      Map<String, String> env =
          Map.of(
              "CAPSTAN_HOME",
              home.toString(),
              "CAPSTAN_PORT",
              Integer.toString(Processes.freePort()));
      try {
        double millis =
            Processes.timed(List.of(context.launcher().toString(), "daemon", "start"), env);
        if (run > 0) {
          samples.add(millis);
        }
      } finally {
        Processes.timed(List.of(context.launcher().toString(), "daemon", "stop"), env);
        Processes.deleteTree(home);
      }
    }
    return samples;
  }

  private Figure statusTimes(BenchContext context, boolean viaLauncher) throws Exception {
    Path home = context.newHome();
    Map<String, String> env =
        Map.of(
            "CAPSTAN_HOME",
            home.toString(),
            "CAPSTAN_PORT",
            Integer.toString(Processes.freePort()));
    List<String> status =
        viaLauncher
            ? List.of(context.launcher().toString(), "daemon", "status")
            : List.of(context.java(), "-jar", context.jar().toString(), "daemon", "status");
    List<Double> samples = new ArrayList<>();
    try {
      Processes.timed(List.of(context.launcher().toString(), "daemon", "start"), env);
      Processes.timed(status, env);
      for (int run = 0; run < context.runs() * 2; run++) {
        samples.add(Processes.timed(status, env));
      }
    } finally {
      Processes.timed(List.of(context.launcher().toString(), "daemon", "stop"), env);
      Processes.deleteTree(home);
    }
    return viaLauncher
        ? new Figure(
            "`capstan daemon status` with the daemon running (launcher)",
            "ms",
            samples,
            Optional.of(150.0),
            "wall time of the whole command: bash launcher, CLI JVM with its startup cache,"
                + " manifest, pid and lock check, one identity request that also proves health")
        : new Figure(
            "`java -jar capstan.jar daemon status` with the daemon running",
            "ms",
            samples,
            Optional.empty(),
            "same request path, plain JVM without launcher flags or cache");
  }

  private Figure killRecovery(BenchContext context) throws Exception {
    Path home = context.newHome();
    Map<String, String> env =
        Map.of(
            "CAPSTAN_HOME",
            home.toString(),
            "CAPSTAN_PORT",
            Integer.toString(Processes.freePort()));
    List<String> status = List.of(context.launcher().toString(), "daemon", "status");
    List<Double> samples = new ArrayList<>();
    try {
      Processes.timed(List.of(context.launcher().toString(), "daemon", "start"), env);
      for (int run = 0; run < context.runs(); run++) {
        DaemonManifest manifest = readManifest(home).orElseThrow();
        ProcessHandle.of(manifest.pid()).orElseThrow().destroyForcibly();
        awaitExit(manifest.pid());
        samples.add(Processes.timed(status, env));
      }
    } finally {
      Processes.timed(List.of(context.launcher().toString(), "daemon", "stop"), env);
      Processes.deleteTree(home);
    }
    return new Figure(
        "kill -9 of the daemon, then `capstan daemon status` until it is done",
        "ms",
        samples,
        Optional.of(2000.0),
        "from the killed daemon being gone to the status command exiting 0 after the crash"
            + " guardian started a new daemon");
  }

  private static void awaitManifest(Path home, Process daemon) throws InterruptedException {
    Stopwatch waited = Stopwatch.start();
    while (readManifest(home).isEmpty()) {
      if (!daemon.isAlive()) {
        throw new IllegalStateException("daemon exited with " + daemon.exitValue());
      }
      if (waited.hasElapsed(START_DEADLINE)) {
        throw new IllegalStateException("daemon not healthy within " + START_DEADLINE);
      }
      Thread.sleep(2);
    }
  }

  private static void awaitExit(long pid) throws InterruptedException {
    Stopwatch waited = Stopwatch.start();
    while (ProcessIdentity.live(pid).isPresent()) {
      if (waited.hasElapsed(START_DEADLINE)) {
        throw new IllegalStateException("pid " + pid + " did not exit");
      }
      Thread.sleep(2);
    }
  }

  private static Optional<DaemonManifest> readManifest(Path home) {
    return new ManifestFile(home.resolve("daemon.json")).read()
            instanceof ManifestFile.Read.Valid valid
        ? Optional.of(valid.manifest())
        : Optional.empty();
  }
}
