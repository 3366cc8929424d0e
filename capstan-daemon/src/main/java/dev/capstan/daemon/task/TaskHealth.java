package dev.capstan.daemon.task;

import dev.capstan.event.EventData;
import dev.capstan.event.StreamName;
import dev.capstan.runtime.RuntimeFailure;
import dev.capstan.runtime.WorkspaceUsage;
import dev.capstan.task.AttemptEffect;
import dev.capstan.task.AttemptOutcome;
import dev.capstan.task.HealthCheck;
import dev.capstan.task.HealthDecision;
import dev.capstan.task.HealthEvent;
import dev.capstan.task.HealthKind;
import dev.capstan.task.HealthSnapshot;
import dev.capstan.task.Recovery;
import dev.capstan.task.RecoveryDecision;
import dev.capstan.task.Repo;
import dev.capstan.task.StateChange;
import dev.capstan.task.Task;
import dev.capstan.task.TaskState;
import dev.capstan.task.TaskTransitions;
import java.time.Duration;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The health and cleanup duty, run every {@code tasks.healthInterval} (60 s by default): finds
 * tasks whose agent is gone without a supervisor (recorded {@code crashed}; the task is re-queued
 * with a bounded number of automatic retries, then failed), removes orphan worktrees (recorded
 * {@code orphan_cleaned}) and reports tasks stuck in provisioning ({@code stuck_provisioning}).
 * Also recovery on start, before the first dispatch.
 *
 * <p>Thread-safe; {@link #runOnce} is meant to run on one thread at a time.
 */
public final class TaskHealth {
  private static final Logger log = LoggerFactory.getLogger(TaskHealth.class);
  private static final Set<HealthKind> BAD =
      EnumSet.of(HealthKind.CRASHED, HealthKind.OOM_KILLED, HealthKind.STUCK_PROVISIONING);

  private final TaskEngine engine;
  private final TaskEngineDeps deps;
  private final Set<String> reportedStuck = java.util.concurrent.ConcurrentHashMap.newKeySet();

  public TaskHealth(TaskEngine engine) {
    this.engine = engine;
    this.deps = engine.deps();
  }

  /** Stores a health event and publishes it on {@code system}. */
  static HealthEvent record(TaskEngineDeps deps, HealthEvent event) {
    HealthEvent stored = deps.store().recordHealth(event);
    deps.events()
        .append(
            StreamName.SYSTEM,
            new EventData.WorkerHealth(
                stored.kind().wireName(),
                stored.worker(),
                stored.repo(),
                stored.taskId().orElse(null),
                stored.message()));
    if (BAD.contains(stored.kind())) {
      log.warn("worker={} {} {}", stored.worker(), stored.kind(), stored.message());
    } else {
      log.info("worker={} {} {}", stored.worker(), stored.kind(), stored.message());
    }
    return stored;
  }

  /** Records {@code healthy} for a repo whose latest health event was a bad one. */
  static void markHealthyIfDegraded(TaskEngineDeps deps, Repo repo) {
    Optional<HealthEvent> latest = deps.store().latestHealth(repo.name());
    if (latest.isPresent() && BAD.contains(latest.get().kind())) {
      record(
          deps,
          new HealthEvent(
              0,
              HealthKind.HEALTHY,
              repo.workerName(),
              repo.name(),
              Optional.empty(),
              "an attempt succeeded again",
              deps.clock().instant()));
    }
  }

  /** Whether a repo's latest health event was a bad one. */
  static boolean degraded(List<HealthEvent> recentNewestFirst, String repo) {
    return recentNewestFirst.stream()
        .filter(event -> event.repo().equals(repo))
        .findFirst()
        .map(event -> BAD.contains(event.kind()))
        .orElse(false);
  }

  /**
   * Recovery on start, before the first dispatch: kills agent processes a dead daemon left behind
   * (so nothing runs twice), then records every attempt it left provisioning or running as {@code
   * interrupted} and re-queues its task, or fails it once its automatic retries are used up.
   */
  public void recover() {
    killOrphans("left by a daemon that stopped");
    List<Task> left = deps.store().tasksIn(EnumSet.of(TaskState.PROVISIONING, TaskState.RUNNING));
    apply(
        Recovery.plan(
            left, deps.settings().autoRetryLimit(), "the daemon stopped while it was running"),
        HealthKind.RESTARTED,
        "recovery");
  }

  /** One pass of the health loop. */
  public void runOnce() {
    killOrphans("that no run of this daemon owns");
    // why: listing the worktrees (with their disk use) and looking up their tasks takes long with
    // many kept worktrees; it needs no consistency with dispatch (a task exists before any
    // worktree of it does), so it runs before the dispatch lock, which only the active tasks need.
    List<WorkspaceUsage> workspaces = deps.runtime().workspaces();
    Set<Long> known = knownTasks(workspaces);
    List<HealthDecision> decisions =
        engine.whileNotDispatching(
            () -> {
              List<Task> active =
                  deps.store().tasksIn(EnumSet.of(TaskState.PROVISIONING, TaskState.RUNNING));
              Set<Long> supervised = engine.supervision().taskIds();
              return HealthCheck.decide(snapshot(active, supervised, workspaces, known));
            });
    for (HealthDecision decision : decisions) {
      try {
        handle(decision);
      } catch (RuntimeException e) {
        log.warn("health finding could not be handled: {}", decision, e);
      }
    }
    // why: the dispatcher plans over a view of the store kept current by the write path; once a
    // loop it is read again, so a change made behind the daemon's back counts within a minute.
    engine.transitions().open().invalidate();
    engine.requestDispatch();
  }

  private void killOrphans(String why) {
    for (var orphan : deps.runtime().killOrphans()) {
      Optional<Task> task = deps.store().findTask(orphan.marker().taskId());
      String repo = task.map(Task::repo).orElse("unknown");
      record(
          deps,
          new HealthEvent(
              0,
              HealthKind.ORPHAN_CLEANED,
              "local/" + repo,
              repo,
              Optional.of(orphan.marker().taskId()),
              "killed agent process "
                  + orphan.pid()
                  + " of task "
                  + orphan.marker().taskId()
                  + " attempt "
                  + orphan.marker().attempt()
                  + " "
                  + why,
              deps.clock().instant()));
    }
  }

  private Set<Long> knownTasks(List<WorkspaceUsage> workspaces) {
    Set<Long> known = new HashSet<>();
    for (WorkspaceUsage usage : workspaces) {
      long id = usage.ref().taskId();
      if (deps.store().findTask(id).isPresent()) {
        known.add(id);
      }
    }
    return known;
  }

  private HealthSnapshot snapshot(
      List<Task> active, Set<Long> supervised, List<WorkspaceUsage> workspaces, Set<Long> known) {
    Map<String, Duration> provisionTimeouts = new HashMap<>();
    for (Repo repo : deps.store().listRepos()) {
      repo.provisionTimeout().ifPresent(timeout -> provisionTimeouts.put(repo.name(), timeout));
    }
    return new HealthSnapshot(
        deps.clock().instant(),
        active,
        supervised,
        workspaces.stream()
            .map(
                usage ->
                    new HealthSnapshot.Worktree(
                        usage.path(), usage.ref().repo(), Optional.of(usage.ref().taskId())))
            .toList(),
        known,
        provisionTimeouts,
        deps.settings().provisionTimeout());
  }

  private void handle(HealthDecision decision) {
    switch (decision) {
      case HealthDecision.LostWorker lost -> {
        Task task = lost.task();
        record(
            deps,
            new HealthEvent(
                0,
                HealthKind.CRASHED,
                "local/" + task.repo(),
                task.repo(),
                Optional.of(task.id()),
                "task " + task.id() + " was " + task.state() + " but its agent process is gone",
                deps.clock().instant()));
        apply(
            Recovery.plan(
                List.of(task), deps.settings().autoRetryLimit(), "its agent process is gone"),
            HealthKind.RESTARTED,
            "health");
      }
      case HealthDecision.OrphanWorktree orphan -> {
        var usage =
            deps.runtime().workspaces().stream()
                .filter(w -> w.path().equals(orphan.worktree().path()))
                .findFirst();
        if (usage.isPresent()) {
          try {
            deps.runtime().remove(usage.get().ref());
          } catch (RuntimeFailure e) {
            log.warn(
                "orphan worktree {} could not be removed: {}", usage.get().path(), e.getMessage());
            return;
          }
          record(
              deps,
              new HealthEvent(
                  0,
                  HealthKind.ORPHAN_CLEANED,
                  "local/" + orphan.worktree().repo(),
                  orphan.worktree().repo(),
                  orphan.worktree().taskId(),
                  "removed orphan worktree " + orphan.worktree().path() + " (its task is unknown)",
                  deps.clock().instant()));
        }
      }
      case HealthDecision.StuckProvisioning stuck -> {
        Task task = stuck.task();
        if (reportedStuck.add(task.id() + "/" + task.attempt())) {
          record(
              deps,
              new HealthEvent(
                  0,
                  HealthKind.STUCK_PROVISIONING,
                  "local/" + task.repo(),
                  task.repo(),
                  Optional.of(task.id()),
                  "task "
                      + task.id()
                      + " has been provisioning for "
                      + stuck.elapsed().toSeconds()
                      + " s; cancel it (`capstan task cancel "
                      + task.id()
                      + "`) or check the repo's setup command",
                  deps.clock().instant()));
        }
      }
    }
  }

  private void apply(List<RecoveryDecision> decisions, HealthKind kind, String trigger) {
    TaskTransitions transitions = engine.transitions();
    for (RecoveryDecision decision : decisions) {
      Task task = decision.task();
      switch (decision) {
        case RecoveryDecision.Requeue requeue ->
            transitions.apply(
                task,
                TaskState.QUEUED,
                trigger,
                requeue.message(),
                AttemptEffect.End.of(AttemptOutcome.INTERRUPTED, requeue.message()),
                Set.of(StateChange.Counter.AUTO_RETRIES));
        case RecoveryDecision.Fail fail ->
            transitions.apply(
                task,
                TaskState.FAILED,
                trigger,
                fail.message(),
                AttemptEffect.End.of(AttemptOutcome.INTERRUPTED, fail.message()),
                Set.of());
      }
      record(
          deps,
          new HealthEvent(
              0,
              kind,
              "local/" + task.repo(),
              task.repo(),
              Optional.of(task.id()),
              decision.message(),
              deps.clock().instant()));
    }
    engine.requestDispatch();
  }
}
