package dev.capstan.daemon.task;

import dev.capstan.agent.Agent;
import dev.capstan.agent.AgentTask;
import dev.capstan.event.StreamName;
import dev.capstan.runtime.AgentRun;
import dev.capstan.runtime.CommitRequest;
import dev.capstan.runtime.CommitResult;
import dev.capstan.runtime.LaunchRequest;
import dev.capstan.runtime.OutputSink;
import dev.capstan.runtime.ProvisionRequest;
import dev.capstan.runtime.ProvisionResult;
import dev.capstan.runtime.RunLimits;
import dev.capstan.runtime.RunResult;
import dev.capstan.runtime.Workspace;
import dev.capstan.task.AttemptEffect;
import dev.capstan.task.AttemptOutcome;
import dev.capstan.task.Diffstat;
import dev.capstan.task.HealthEvent;
import dev.capstan.task.HealthKind;
import dev.capstan.task.Repo;
import dev.capstan.task.Task;
import dev.capstan.task.TaskState;
import dev.capstan.task.TaskTransitions;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Runs one attempt through the runtime: provision, launch the agent, await it under its deadlines,
 * then commit (on success) and record how it ended. Each attempt runs on a virtual thread of its
 * own. Every final step happens under the attempt's lock and through a compare-and-set, so an
 * attempt that was cancelled, restarted or interrupted meanwhile changes nothing and never commits.
 *
 * <p>Thread-safe (stateless apart from its collaborators).
 */
final class AttemptRunner {
  private static final Logger log = LoggerFactory.getLogger(AttemptRunner.class);

  private final TaskEngineDeps deps;
  private final TaskTransitions transitions;
  private final Runnable attemptEnded;

  AttemptRunner(TaskEngineDeps deps, TaskTransitions transitions, Runnable attemptEnded) {
    this.deps = deps;
    this.transitions = transitions;
    this.attemptEnded = attemptEnded;
  }

  /** Starts the attempt of {@code task} (just moved to provisioning) on a virtual thread. */
  void launch(Task task, Supervision.Supervised supervised, Supervision supervision) {
    Thread.ofVirtual()
        .name("attempt-" + task.id() + "-" + task.attempt())
        .start(
            () -> {
              MDC.put("task", Long.toString(task.id()));
              MDC.put("attempt", Integer.toString(task.attempt()));
              try {
                run(task, supervised);
              } catch (Throwable e) {
                log.error("task={} attempt={} failed unexpectedly", task.id(), task.attempt(), e);
                finish(
                    supervised,
                    TaskState.FAILED,
                    AttemptEffect.End.of(
                        AttemptOutcome.FAILED,
                        "internal error: " + e.getClass().getSimpleName() + ": " + e.getMessage()));
              } finally {
                supervised.ended.countDown();
                supervision.remove(supervised);
                MDC.clear();
                attemptEnded.run();
              }
            });
  }

  private void run(Task task, Supervision.Supervised supervised) throws InterruptedException {
    Optional<Repo> found = deps.store().findRepo(task.repo());
    if (found.isEmpty()) {
      finish(
          supervised,
          TaskState.FAILED,
          AttemptEffect.End.of(AttemptOutcome.FAILED, "repo " + task.repo() + " was removed"));
      return;
    }
    Repo repo = found.get();
    StreamName stream = StreamName.task(task.id());
    OutputSink sink = text -> deps.events().appendOutput(stream, text);
    String branch = task.branch().orElseThrow();
    ProvisionResult provisioned =
        deps.runtime()
            .provision(
                new ProvisionRequest(
                    repo.name(),
                    Path.of(repo.path()),
                    task.id(),
                    task.attempt(),
                    repo.baseBranch(),
                    branch,
                    branchMode(task, branch),
                    repo.setup(),
                    repo.provisionTimeout().orElse(deps.settings().provisionTimeout())),
                sink,
                supervised.cancellation);
    Workspace workspace;
    switch (provisioned) {
      case ProvisionResult.Ready ready -> workspace = ready.workspace();
      case ProvisionResult.Failed failed -> {
        finish(
            supervised,
            TaskState.FAILED,
            AttemptEffect.End.of(AttemptOutcome.FAILED, "provisioning failed: " + failed.reason()));
        return;
      }
      case ProvisionResult.TimedOut timedOut -> {
        finish(
            supervised,
            TaskState.FAILED,
            AttemptEffect.End.of(
                AttemptOutcome.TIMED_OUT, "provisioning timed out: " + timedOut.reason()));
        return;
      }
      case ProvisionResult.Cancelled cancelled -> {
        return;
      }
    }
    if (!finish(
        supervised,
        TaskState.RUNNING,
        new AttemptEffect.Provisioned(workspace.path().toString()))) {
      return;
    }
    Agent agent = deps.agents().require(task.agent());
    AgentRun run;
    supervised.lock.lock();
    try {
      if (supervised.stopped()) {
        return;
      }
      run =
          deps.runtime()
              .launch(
                  new LaunchRequest(
                      workspace,
                      agent,
                      new AgentTask(
                          task.id(),
                          task.attempt(),
                          task.prompt(),
                          task.command().or(repo::command)),
                      new RunLimits(
                          repo.runTimeout().orElse(deps.settings().runTimeout()),
                          repo.idleTimeout().orElse(deps.settings().idleTimeout())),
                      sink));
      supervised.run.set(run);
    } finally {
      supervised.lock.unlock();
    }
    RunResult result = run.await();
    deps.events().flushOutput();
    switch (result) {
      case RunResult.Exited exited when exited.code() == 0 ->
          complete(task, repo, workspace, supervised);
      case RunResult.Exited exited ->
          finish(
              supervised,
              TaskState.FAILED,
              new AttemptEffect.End(
                  AttemptOutcome.FAILED,
                  Optional.of(exited.code()),
                  Optional.of("agent exited with code " + exited.code()),
                  Optional.empty(),
                  Optional.empty()));
      case RunResult.Killed killed -> {
        HealthKind kind =
            switch (killed.cause()) {
              case OOM_KILLED -> HealthKind.OOM_KILLED;
              case CRASHED -> HealthKind.CRASHED;
            };
        String reason =
            kind == HealthKind.OOM_KILLED
                ? "agent was OOM-killed (signal " + killed.signal() + ")"
                : "agent crashed: killed by signal "
                    + killed.signal()
                    + " that Capstan did not send";
        if (finish(
            supervised,
            TaskState.FAILED,
            new AttemptEffect.End(
                AttemptOutcome.FAILED,
                Optional.of(killed.exitCode()),
                Optional.of(reason),
                Optional.empty(),
                Optional.empty()))) {
          TaskHealth.record(
              deps,
              new HealthEvent(
                  0,
                  kind,
                  repo.workerName(),
                  repo.name(),
                  Optional.of(task.id()),
                  "task " + task.id() + " attempt " + task.attempt() + ": " + reason,
                  deps.clock().instant()));
        }
      }
      case RunResult.TimedOut timedOut ->
          finish(
              supervised,
              TaskState.FAILED,
              AttemptEffect.End.of(AttemptOutcome.TIMED_OUT, timedOut.reason()));
      case RunResult.Failed failed ->
          finish(
              supervised,
              TaskState.FAILED,
              AttemptEffect.End.of(AttemptOutcome.FAILED, failed.reason()));
      case RunResult.Cancelled cancelled -> {}
    }
  }

  private void complete(
      Task task, Repo repo, Workspace workspace, Supervision.Supervised supervised) {
    supervised.lock.lock();
    try {
      // why: the commit happens under the lock and only while the task still runs this attempt;
      // a cancel that got the lock first has already moved the task, and nothing is committed.
      Optional<Task> current = deps.store().findTask(task.id());
      if (supervised.stopped()
          || current.isEmpty()
          || current.get().state() != TaskState.RUNNING
          || current.get().attempt() != task.attempt()) {
        return;
      }
      CommitResult commit =
          deps.runtime()
              .finish(
                  workspace,
                  new CommitRequest(
                      deps.settings().commitAuthorName(),
                      deps.settings().commitAuthorEmail(),
                      commitMessage(task)));
      Diffstat diffstat =
          new Diffstat(
              commit.diffstat().files(),
              commit.diffstat().insertions(),
              commit.diffstat().deletions());
      transitions.apply(
          current.get(),
          TaskState.COMPLETED,
          "attempt",
          "attempt " + task.attempt() + " succeeded; branch " + workspace.branch() + " kept",
          new AttemptEffect.End(
              AttemptOutcome.SUCCEEDED,
              Optional.of(0),
              Optional.of(
                  commit.committedChanges()
                      ? "agent exited 0; changes committed"
                      : "agent exited 0; nothing to commit"),
              Optional.of(diffstat),
              Optional.of(commit.commit())),
          Set.of());
      // why: the slot is free once the change committed; the dispatcher hears of it now, not
      // after the rest of this thread's bookkeeping.
      attemptEnded.run();
    } catch (RuntimeException e) {
      log.warn("task={} attempt={} could not be committed", task.id(), task.attempt(), e);
      finishLocked(
          supervised,
          TaskState.FAILED,
          AttemptEffect.End.of(AttemptOutcome.FAILED, "commit failed: " + e.getMessage()));
    } finally {
      supervised.lock.unlock();
    }
    TaskHealth.markHealthyIfDegraded(deps, repo);
  }

  private String commitMessage(Task task) {
    String title = task.title().isBlank() ? firstLine(task.prompt()) : task.title();
    return deps.settings()
        .commitMessage()
        .replace("{id}", Long.toString(task.id()))
        .replace("{attempt}", Integer.toString(task.attempt()))
        .replace("{repo}", task.repo())
        .replace("{title}", title);
  }

  private static String firstLine(String text) {
    String line = text.strip().lines().findFirst().orElse("");
    return line.length() > 72 ? line.substring(0, 72) : line;
  }

  private ProvisionRequest.BranchMode branchMode(Task task, String branch) {
    // why: a branch that an earlier attempt of this generation already worked on is continued
    // (retry, restart); a new generation (first attempt, redo) starts from the base branch.
    boolean worked =
        deps.store().attempts(task.id()).stream()
            .filter(attempt -> attempt.number() < task.attempt())
            .filter(attempt -> attempt.branch().equals(branch))
            .anyMatch(attempt -> attempt.workspace().isPresent());
    return worked ? ProvisionRequest.BranchMode.CONTINUE : ProvisionRequest.BranchMode.CREATE;
  }

  /** The attempt's own state change, under its lock; false when it was stopped or lost. */
  private boolean finish(Supervision.Supervised supervised, TaskState to, AttemptEffect effect) {
    supervised.lock.lock();
    try {
      return finishLocked(supervised, to, effect);
    } finally {
      supervised.lock.unlock();
    }
  }

  private boolean finishLocked(
      Supervision.Supervised supervised, TaskState to, AttemptEffect effect) {
    if (supervised.stopped()) {
      return false;
    }
    Optional<Task> current = deps.store().findTask(supervised.taskId);
    if (current.isEmpty()
        || current.get().attempt() != supervised.attempt
        || !current.get().state().canMoveTo(to)) {
      return false;
    }
    String message =
        switch (effect) {
          case AttemptEffect.End end -> end.reason().orElse("attempt ended");
          case AttemptEffect.Provisioned provisioned ->
              "workspace ready at " + provisioned.workspace() + "; agent starting";
          case AttemptEffect.Begin begin -> "attempt began on " + begin.branch();
          case AttemptEffect.None none -> to.wireName();
        };
    boolean applied =
        transitions.apply(current.get(), to, "attempt", message, effect, Set.of()).applied();
    if (applied && !to.isActive()) {
      attemptEnded.run();
    }
    return applied;
  }
}
