package dev.capstan.daemon.local;

import dev.capstan.runtime.AgentRun;
import dev.capstan.runtime.DeathCause;
import dev.capstan.runtime.OutputSink;
import dev.capstan.runtime.RunLimits;
import dev.capstan.runtime.RunMarker;
import dev.capstan.runtime.RunResult;
import dev.capstan.runtime.RunResult.TimeoutPhase;
import dev.capstan.runtime.RuntimeFailure;
import dev.capstan.time.Stopwatch;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One process tree run locally: started with {@code setsid} so it leads its own session and process
 * group, watched by a thread that enforces the run and idle deadlines, and torn down as a whole
 * when it ends, times out or is cancelled.
 *
 * <p>Thread-safe.
 */
final class LocalProcessRun implements AgentRun {
  private static final Logger log = LoggerFactory.getLogger(LocalProcessRun.class);

  /** How long output still in the pipe may take to reach the sink after the process ended. */
  private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(2);

  private final Process process;
  private final RunMarker marker;
  private final RunLimits limits;
  private final OutputPump pump;
  private final ProcessTree tree;
  private final ProcFs procFs;
  private final Duration killGrace;
  private final Stopwatch started = Stopwatch.start();
  private final AtomicReference<Stop> stop = new AtomicReference<>();
  private final CompletableFuture<RunResult> result = new CompletableFuture<>();
  private final Optional<Path> cgroup;
  private final long oomKillsAtStart;
  private final long notBeforeTicks;

  /** Why the run is over, as decided first by whoever got there. */
  private sealed interface Stop {
    record Ended() implements Stop {}

    record Cancelled() implements Stop {}

    record TimedOut(TimeoutPhase phase, Duration limit) implements Stop {}
  }

  private LocalProcessRun(
      Process process,
      RunMarker marker,
      RunLimits limits,
      OutputPump pump,
      ProcessTree tree,
      ProcFs procFs,
      Duration killGrace,
      long notBeforeTicks) {
    this.process = process;
    this.notBeforeTicks = notBeforeTicks;
    this.marker = marker;
    this.limits = limits;
    this.pump = pump;
    this.tree = tree;
    this.procFs = procFs;
    this.killGrace = killGrace;
    this.cgroup = procFs.cgroupDir(process.pid());
    this.oomKillsAtStart = cgroup.map(procFs::oomKillsIn).orElse(-1L);
  }

  /**
   * Starts {@code argv} in {@code directory} with exactly {@code env}, in a new session, stdin from
   * {@code /dev/null}, stdout and stderr merged into {@code sink}.
   *
   * @throws RuntimeFailure when the process cannot be started
   */
  static LocalProcessRun start(
      List<String> startThrough,
      List<String> argv,
      Path directory,
      Map<String, String> env,
      RunMarker marker,
      RunLimits limits,
      OutputSink sink,
      ProcFs procFs,
      Duration killGrace,
      ThreadFactory threads) {
    List<String> command = new ArrayList<>(argv.size() + startThrough.size());
    // why: setsid makes the process the leader of a new session and process group, so one signal
    // to the group reaches every child and grandchild that does not leave it on purpose. What
    // comes before it (a launcher such as nice) execs it, so the pid stays the same.
    command.addAll(startThrough);
    command.addAll(argv);
    ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile());
    builder.environment().clear();
    builder.environment().putAll(env);
    builder.redirectErrorStream(true);
    builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    // why: read before the start, so every process of the run started at or after it.
    long notBeforeTicks = procFs.uptimeTicks();
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new RuntimeFailure(
          "cannot start '" + argv.get(0) + "': " + e.getMessage(),
          "check that the agent's program is installed and on the PATH of the daemon");
    }
    OutputPump pump = OutputPump.start(process.getInputStream(), sink, threads);
    LocalProcessRun run =
        new LocalProcessRun(
            process,
            marker,
            limits,
            pump,
            new ProcessTree(procFs),
            procFs,
            killGrace,
            notBeforeTicks);
    threads.newThread(run::watch).start();
    return run;
  }

  @Override
  public RunMarker marker() {
    return marker;
  }

  @Override
  public Optional<Long> pid() {
    return Optional.of(process.pid());
  }

  @Override
  public boolean isAlive() {
    return !result.isDone();
  }

  @Override
  public Optional<RunResult> await(Duration timeout) throws InterruptedException {
    try {
      return Optional.of(result.get(timeout.toNanos(), TimeUnit.NANOSECONDS));
    } catch (TimeoutException e) {
      return Optional.empty();
    } catch (ExecutionException e) {
      throw new IllegalStateException("the watcher of run " + marker.value() + " failed", e);
    }
  }

  @Override
  public RunResult await() throws InterruptedException {
    try {
      return result.get();
    } catch (ExecutionException e) {
      throw new IllegalStateException("the watcher of run " + marker.value() + " failed", e);
    }
  }

  @Override
  public void cancel() {
    if (stop.compareAndSet(null, new Stop.Cancelled())) {
      log.info(
          "task={} attempt={} cancelling: terminating its process group",
          marker.taskId(),
          marker.attempt());
      Thread killer = Thread.ofVirtual().name("kill-" + process.pid()).unstarted(this::killTree);
      killer.start();
    }
  }

  /** When the run ends: completes with its result after everything of it is gone. */
  CompletableFuture<RunResult> whenDone() {
    return result;
  }

  private void killTree() {
    tree.kill(process.toHandle(), Optional.of(marker), killGrace);
  }

  private void watch() {
    try {
      waitForExitOrDeadline();
      process.waitFor();
      // why: the main process is gone but children it left behind would keep the pipe open and
      // keep running; nothing of a finished run may outlive it.
      tree.killLeftovers(process.pid(), marker, notBeforeTicks);
      if (!pump.awaitDrained(DRAIN_TIMEOUT)) {
        log.warn(
            "task={} attempt={} output did not end within {} after exit",
            marker.taskId(),
            marker.attempt(),
            DRAIN_TIMEOUT);
      }
      result.complete(outcome());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      killTree();
      result.complete(new RunResult.Cancelled());
    } catch (RuntimeException | Error e) {
      result.completeExceptionally(e);
      throw e;
    }
  }

  private void waitForExitOrDeadline() throws InterruptedException {
    while (true) {
      Duration runLeft = started.remaining(limits.runTimeout());
      Duration idle = Duration.ofNanos(System.nanoTime() - pump.lastOutputNanos());
      Duration idleLeft = limits.idleTimeout().minus(idle);
      if (runLeft.isZero()) {
        timeOut(TimeoutPhase.RUN, limits.runTimeout());
        return;
      }
      if (idleLeft.isNegative() || idleLeft.isZero()) {
        timeOut(TimeoutPhase.IDLE, limits.idleTimeout());
        return;
      }
      Duration wait = runLeft.compareTo(idleLeft) < 0 ? runLeft : idleLeft;
      if (process.waitFor(Math.max(1, wait.toMillis()), TimeUnit.MILLISECONDS)) {
        stop.compareAndSet(null, new Stop.Ended());
        return;
      }
      if (stop.get() instanceof Stop.Cancelled) {
        return;
      }
    }
  }

  private void timeOut(TimeoutPhase phase, Duration limit) {
    if (stop.compareAndSet(null, new Stop.TimedOut(phase, limit))) {
      log.info(
          "task={} attempt={} timed out ({} limit {}): killing its process group",
          marker.taskId(),
          marker.attempt(),
          phase,
          limit);
      killTree();
    }
  }

  private RunResult outcome() {
    return switch (stop.get()) {
      case Stop.Cancelled cancelled -> new RunResult.Cancelled();
      case Stop.TimedOut timedOut -> new RunResult.TimedOut(timedOut.phase(), timedOut.limit());
      case Stop.Ended ended -> exitResult(process.exitValue());
      case null -> exitResult(process.exitValue());
    };
  }

  private RunResult exitResult(int code) {
    // why: the JDK reports a death by signal N as exit code 128 + N, as shells do.
    if (code > 128 && code <= 128 + 64) {
      int signal = code - 128;
      long oomKillsNow = cgroup.map(procFs::oomKillsIn).orElse(-1L);
      return new RunResult.Killed(
          signal, DeathCause.classify(signal, oomKillsAtStart, oomKillsNow));
    }
    return new RunResult.Exited(code);
  }
}
