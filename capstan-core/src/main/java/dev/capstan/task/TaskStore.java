package dev.capstan.task;

import dev.capstan.idempotency.IdempotencyKey;
import dev.capstan.idempotency.IdempotencyStore;
import dev.capstan.idempotency.Idempotent;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Persistence of repos, tasks, attempts, their audit history, worker health events and the
 * persisted limits. Implementations live outside core ({@code JdbcTaskStore}).
 *
 * <p>Contract: {@link #transition} is the only method that changes a task's state; it is a
 * compare-and-set on the state and the attempt number, and writes the audit row (and the attempt
 * effect) in the same transaction, or nothing at all. Implementations are thread-safe.
 */
public interface TaskStore {
  /**
   * Stores a new repo.
   *
   * @return false (and stores nothing) when a repo of that name exists
   */
  default boolean insertRepo(Repo repo) {
    return insertRepo(repo, Optional.empty()).isPresent();
  }

  /**
   * Stores a new repo; with a key, remembers it in {@link IdempotencyStore#REPOS} in the same
   * transaction.
   *
   * @return the repo's name, replayed when the key had already created a repo (nothing is stored);
   *     empty (and nothing stored) when a repo of that name exists
   */
  Optional<Idempotent<String>> insertRepo(Repo repo, Optional<IdempotencyKey> key);

  /** The repo of that name, if any. */
  Optional<Repo> findRepo(String name);

  /** Every repo, by name. */
  List<Repo> listRepos();

  /** Replaces the settings of an existing repo (matched by name). */
  void updateRepo(Repo repo);

  /**
   * Deletes a repo that has no queued, provisioning or running task; its finished tasks stay.
   *
   * @return false when it had such a task or does not exist (nothing is deleted)
   */
  boolean deleteRepo(String name);

  /** Stores a queued task with its creation audit row; returns it with its id. */
  default Task insertTask(NewTask task, Instant at) {
    return insertTask(task, at, Optional.empty()).value();
  }

  /**
   * Stores a queued task with its creation audit row; with a key, remembers it in {@link
   * IdempotencyStore#TASKS} in the same transaction.
   *
   * @return the new task, or the task the key created earlier (replayed; nothing is stored)
   */
  Idempotent<Task> insertTask(NewTask task, Instant at, Optional<IdempotencyKey> key);

  /** The task with that id, if any. */
  Optional<Task> findTask(long id);

  /** Tasks matching {@code query}, newest first. */
  List<Task> listTasks(TaskQuery query);

  /** Every task in one of {@code states}, oldest first. */
  List<Task> tasksIn(Set<TaskState> states);

  /**
   * Every queued, provisioning or running task in its light form (no prompt, title or command),
   * oldest first: what one dispatch pass reads.
   */
  List<OpenTask> openTasks();

  /** The task's attempts, by number. */
  List<Attempt> attempts(long taskId);

  /** The task's audit history, oldest first. */
  List<TaskAudit> history(long taskId);

  /**
   * Applies a state change with compare-and-set: when the task is in {@code change.from()} with
   * attempt {@code change.expectedAttempt()}, moves it to {@code change.to()}, applies the attempt
   * effect and the counters, and writes the audit row, all in one transaction.
   *
   * @return the task after the change, or empty when the task was not in the expected state or
   *     attempt (a lost race; nothing was written)
   */
  Optional<Task> transition(StateChange change);

  /** Stores a health event; returns it with its id. */
  HealthEvent recordHealth(HealthEvent event);

  /** The latest {@code limit} health events, newest first. */
  List<HealthEvent> recentHealth(int limit);

  /** The latest health event of {@code repo}, if it has any. */
  Optional<HealthEvent> latestHealth(String repo);

  /** The global concurrency limit set at runtime, if one was. */
  OptionalInt globalLimit();

  /** Persists the global concurrency limit. */
  void setGlobalLimit(int limit);
}
