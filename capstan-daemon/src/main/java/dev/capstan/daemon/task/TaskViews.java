package dev.capstan.daemon.task;

import dev.capstan.task.Attempt;
import dev.capstan.task.HealthEvent;
import dev.capstan.task.Repo;
import dev.capstan.task.Task;
import dev.capstan.task.TaskAudit;
import dev.capstan.task.TaskState;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;

/**
 * The JSON shapes of the tasks API, as documented in the README. A {@code null} field is part of
 * the contract there (for example {@code pendingReason} of a task that does not wait).
 *
 * <p>Thread-safe (stateless); the records are immutable.
 */
public final class TaskViews {
  private TaskViews() {}

  /** A task. {@code history} is null except on {@code GET /api/tasks/{id}}. */
  public record TaskView(
      long id,
      String repo,
      String title,
      String prompt,
      String state,
      String pendingReason,
      String agent,
      String command,
      int priority,
      String branch,
      String workspace,
      int retries,
      List<AttemptView> attempts,
      List<AuditView> history,
      Instant createdAt,
      Instant updatedAt) {}

  /** An attempt. */
  public record AttemptView(
      int number,
      String agent,
      String workspace,
      String branch,
      Instant startedAt,
      Instant endedAt,
      Integer exitCode,
      String outcome,
      String reason,
      DiffstatView diffstat,
      String commit) {}

  /** What an attempt's commit changed. */
  public record DiffstatView(int files, int insertions, int deletions) {}

  /** An audit row. */
  public record AuditView(Instant at, String from, String to, String trigger, String message) {}

  /** A repo. */
  public record RepoView(
      String name,
      String source,
      String path,
      String baseBranch,
      int maxConcurrent,
      String agent,
      String command,
      String setup,
      String provisionTimeout,
      String runTimeout,
      String idleTimeout,
      int activeTasks,
      int queuedTasks,
      Instant createdAt,
      Instant updatedAt) {}

  /** The global limit and how much of it is used. */
  public record LimitsView(int maxConcurrent, int active) {}

  /** A worker of the cluster view. */
  public record WorkerView(
      String name, String repo, int slotsInUse, int maxConcurrent, String state) {}

  /** A worker health event. */
  public record HealthView(
      long id, String kind, String worker, String repo, Long taskId, String message, Instant at) {}

  /** The cluster view. */
  public record ClusterView(
      int maxConcurrent, int active, List<WorkerView> workers, List<HealthView> healthEvents) {}

  static TaskView task(TaskEngine engine, Task task, boolean withHistory) {
    List<AttemptView> attempts =
        engine.deps().store().attempts(task.id()).stream().map(TaskViews::attempt).toList();
    List<AuditView> history =
        withHistory
            ? engine.deps().store().history(task.id()).stream().map(TaskViews::audit).toList()
            : null;
    return new TaskView(
        task.id(),
        task.repo(),
        task.title(),
        task.prompt(),
        task.state().wireName(),
        task.state() == TaskState.QUEUED || task.state() == TaskState.RUNNING
            ? engine.pendingReason(task.id()).orElse(null)
            : null,
        task.agent(),
        task.command().orElse(null),
        task.priority(),
        task.branch().orElse(null),
        task.workspace().orElse(null),
        task.retries(),
        attempts,
        history,
        task.createdAt(),
        task.updatedAt());
  }

  static AttemptView attempt(Attempt attempt) {
    return new AttemptView(
        attempt.number(),
        attempt.agent(),
        attempt.workspace().orElse(null),
        attempt.branch(),
        attempt.startedAt(),
        attempt.endedAt().orElse(null),
        attempt.exitCode().orElse(null),
        attempt.outcome().wireName(),
        attempt.reason().orElse(null),
        attempt
            .diffstat()
            .map(d -> new DiffstatView(d.files(), d.insertions(), d.deletions()))
            .orElse(null),
        attempt.commit().orElse(null));
  }

  static AuditView audit(TaskAudit audit) {
    return new AuditView(
        audit.at(),
        audit.from().map(TaskState::wireName).orElse(null),
        audit.to().wireName(),
        audit.trigger(),
        audit.message());
  }

  static RepoView repo(TaskEngine engine, Repo repo) {
    List<Task> open =
        engine
            .deps()
            .store()
            .listTasks(
                new dev.capstan.task.TaskQuery(
                    EnumSet.of(TaskState.QUEUED, TaskState.PROVISIONING, TaskState.RUNNING),
                    java.util.Optional.of(repo.name()),
                    100_000));
    int active = (int) open.stream().filter(t -> t.state().isActive()).count();
    return new RepoView(
        repo.name(),
        repo.source(),
        repo.path(),
        repo.baseBranch(),
        repo.maxConcurrent(),
        repo.agent(),
        repo.command().orElse(null),
        repo.setup().orElse(null),
        repo.provisionTimeout().map(Duration::toString).orElse(null),
        repo.runTimeout().map(Duration::toString).orElse(null),
        repo.idleTimeout().map(Duration::toString).orElse(null),
        active,
        open.size() - active,
        repo.createdAt(),
        repo.updatedAt());
  }

  static HealthView health(HealthEvent event) {
    return new HealthView(
        event.id(),
        event.kind().wireName(),
        event.worker(),
        event.repo(),
        event.taskId().orElse(null),
        event.message(),
        event.at());
  }
}
