package dev.capstan.builtin;

import dev.capstan.agent.InProcessLaunch;
import dev.capstan.approval.Approvals;
import dev.capstan.runtime.AgentRun;
import dev.capstan.runtime.RunMarker;
import dev.capstan.runtime.RunResult;
import dev.capstan.runtime.RunResult.TimeoutPhase;
import dev.capstan.session.AgentLoop;
import dev.capstan.session.TurnEnd;
import dev.capstan.session.TurnErrorCode;
import dev.capstan.task.TaskWaits;
import dev.capstan.time.Stopwatch;
import java.time.Duration;
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
 * One attempt of the built-in agent, run inside the daemon: the {@link AgentLoop} on a thread of
 * its own, watched by a second thread that enforces the run and idle deadlines as a process run
 * does. Cancel (or a deadline) fires the loop's cancel token, which aborts the LLM request and
 * kills a running command, and resolves the approval it waits for as cancelled at once.
 *
 * <p>The idle clock stands still while the agent waits for a person's approval: that wait has its
 * own, configured timeout.
 *
 * <p>Thread-safe: one thread awaits while another may cancel.
 */
final class BuiltinRun implements AgentRun {
  private static final Logger log = LoggerFactory.getLogger(BuiltinRun.class);

  private final InProcessLaunch launch;
  private final Approvals approvals;
  private final TaskHost host;
  private final Stopwatch started = Stopwatch.start();
  private final AtomicReference<Stop> stop = new AtomicReference<>();
  private final CompletableFuture<RunResult> result = new CompletableFuture<>();
  private volatile long lastActivityNanos = System.nanoTime();

  /** Why the run was stopped from outside, as decided first by whoever got there. */
  private sealed interface Stop {
    record Cancelled() implements Stop {}

    record TimedOut(TimeoutPhase phase, Duration limit) implements Stop {}
  }

  private BuiltinRun(InProcessLaunch launch, Approvals approvals, TaskWaits waits) {
    this.launch = launch;
    this.approvals = approvals;
    this.host = new TaskHost(launch, waits, () -> lastActivityNanos = System.nanoTime());
  }

  static BuiltinRun start(
      AgentLoop loop,
      Approvals approvals,
      TaskWaits waits,
      InProcessLaunch launch,
      ThreadFactory threads) {
    BuiltinRun run = new BuiltinRun(launch, approvals, waits);
    threads.newThread(() -> run.runLoop(loop)).start();
    threads.newThread(run::watch).start();
    return run;
  }

  @Override
  public RunMarker marker() {
    return launch.marker();
  }

  @Override
  public Optional<Long> pid() {
    return Optional.empty();
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
      throw new IllegalStateException("the built-in run " + marker().value() + " failed", e);
    }
  }

  @Override
  public RunResult await() throws InterruptedException {
    try {
      return result.get();
    } catch (ExecutionException e) {
      throw new IllegalStateException("the built-in run " + marker().value() + " failed", e);
    }
  }

  @Override
  public void cancel() {
    if (stop.compareAndSet(null, new Stop.Cancelled())) {
      log.info(
          "task={} attempt={} cancelling the built-in agent",
          marker().taskId(),
          marker().attempt());
      halt("The task's attempt was stopped before a decision.");
    }
  }

  private void halt(String approvalReason) {
    // why: cancel means stop: the approval the attempt waits for is resolved now, not when the
    // loop thread gets around to noticing. It is read before the token fires, because the loop
    // forgets it as soon as its wait is cancelled.
    host.waitingFor().ifPresent(approval -> approvals.cancel(approval.id(), approvalReason));
    host.cancelToken().cancel();
  }

  private void runLoop(AgentLoop loop) {
    try {
      TurnEnd end = loop.run(host);
      host.endOutput();
      result.complete(outcome(end));
    } catch (RuntimeException | Error e) {
      log.error(
          "task={} attempt={} built-in agent failed", marker().taskId(), marker().attempt(), e);
      result.complete(
          new RunResult.Failed(
              TurnErrorCode.INTERNAL.name(),
              "internal error: " + e.getClass().getSimpleName() + ": " + e.getMessage()));
    }
  }

  private RunResult outcome(TurnEnd end) {
    return switch (stop.get()) {
      case Stop.Cancelled cancelled -> new RunResult.Cancelled();
      case Stop.TimedOut timedOut -> new RunResult.TimedOut(timedOut.phase(), timedOut.limit());
      case null ->
          end.error()
              .<RunResult>map(error -> new RunResult.Failed(error.code().name(), error.message()))
              .orElseGet(() -> new RunResult.Exited(0));
    };
  }

  private void watch() {
    Duration runTimeout = launch.limits().runTimeout();
    Duration idleTimeout = launch.limits().idleTimeout();
    try {
      while (!result.isDone()) {
        if (host.waitingFor().isPresent()) {
          lastActivityNanos = System.nanoTime();
        }
        Duration runLeft = started.remaining(runTimeout);
        Duration idleLeft =
            idleTimeout.minus(Duration.ofNanos(System.nanoTime() - lastActivityNanos));
        if (runLeft.isZero()) {
          timeOut(TimeoutPhase.RUN, runTimeout);
          return;
        }
        if (idleLeft.isNegative() || idleLeft.isZero()) {
          timeOut(TimeoutPhase.IDLE, idleTimeout);
          return;
        }
        Duration wait = runLeft.compareTo(idleLeft) < 0 ? runLeft : idleLeft;
        // why: wake at least every second to see an approval wait begin or end.
        long millis = Math.max(1, Math.min(wait.toMillis(), 1000));
        try {
          result.get(millis, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
          // a deadline may have passed; look again
        } catch (ExecutionException e) {
          return;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      cancel();
    }
  }

  private void timeOut(TimeoutPhase phase, Duration limit) {
    if (stop.compareAndSet(null, new Stop.TimedOut(phase, limit))) {
      log.info(
          "task={} attempt={} built-in agent timed out ({} limit {}): stopping it",
          marker().taskId(),
          marker().attempt(),
          phase,
          limit);
      halt("The task's attempt timed out before a decision.");
    }
  }
}
