package dev.capstan.daemon.task;

import dev.capstan.task.HealthEvent;
import dev.capstan.task.OpenTask;
import dev.capstan.task.Repo;
import dev.capstan.task.Task;
import dev.capstan.task.TaskQuery;
import dev.capstan.task.TaskState;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Read models of the tasks API: task, repo, limits and cluster views.
 *
 * <p>Thread-safe (stateless).
 */
public final class TaskQueries {
  private TaskQueries() {}

  /** Tasks matching {@code query}, newest first, as views. */
  public static List<TaskViews.TaskView> tasks(TaskEngine engine, TaskQuery query) {
    return engine.deps().store().listTasks(query).stream()
        .map(task -> TaskViews.task(engine, task, false))
        .toList();
  }

  /** One task with its attempts and history. */
  public static TaskViews.TaskView task(TaskEngine engine, Task task) {
    return TaskViews.task(engine, task, true);
  }

  /** A task as returned by an action (no history). */
  public static TaskViews.TaskView brief(TaskEngine engine, Task task) {
    return TaskViews.task(engine, task, false);
  }

  /** Every repo as a view. */
  public static List<TaskViews.RepoView> repos(TaskEngine engine) {
    // why: one light read of the unfinished tasks counts every repo's slots, instead of a read of
    // full rows (prompts included) per repo.
    List<OpenTask> open = engine.deps().store().openTasks();
    return engine.deps().store().listRepos().stream()
        .map(repo -> TaskViews.repo(repo, open))
        .toList();
  }

  /** One repo as a view. */
  public static TaskViews.RepoView repo(TaskEngine engine, Repo repo) {
    return TaskViews.repo(repo, engine.deps().store().openTasks());
  }

  /** The limits view. */
  public static TaskViews.LimitsView limits(TaskEngine engine) {
    return new TaskViews.LimitsView(engine.globalLimit(), engine.activeCount());
  }

  /** The cluster view with the latest {@code events} health events. */
  public static TaskViews.ClusterView cluster(TaskEngine engine, int events) {
    List<Task> active =
        engine.deps().store().tasksIn(EnumSet.of(TaskState.PROVISIONING, TaskState.RUNNING));
    Map<String, Integer> slots = new HashMap<>();
    for (Task task : active) {
      slots.merge(task.repo(), 1, Integer::sum);
    }
    List<HealthEvent> recent = engine.deps().store().recentHealth(Math.max(events, 200));
    List<TaskViews.WorkerView> workers = new ArrayList<>();
    for (Repo repo : engine.deps().store().listRepos()) {
      int used = slots.getOrDefault(repo.name(), 0);
      String state =
          TaskHealth.degraded(recent, repo.name()) ? "degraded" : used > 0 ? "busy" : "idle";
      workers.add(
          new TaskViews.WorkerView(
              repo.workerName(), repo.name(), used, repo.maxConcurrent(), state));
    }
    return new TaskViews.ClusterView(
        engine.globalLimit(),
        active.size(),
        workers,
        recent.stream().limit(events).map(TaskViews::health).toList());
  }

  /** An unbounded filter helper for the routes. */
  public static TaskQuery query(
      java.util.Set<TaskState> states, java.util.Optional<String> repo, int limit) {
    return new TaskQuery(states, repo, limit);
  }
}
