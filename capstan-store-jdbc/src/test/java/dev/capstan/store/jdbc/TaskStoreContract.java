package dev.capstan.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.capstan.task.Attempt;
import dev.capstan.task.AttemptEffect;
import dev.capstan.task.AttemptOutcome;
import dev.capstan.task.Diffstat;
import dev.capstan.task.HealthEvent;
import dev.capstan.task.HealthKind;
import dev.capstan.task.NewTask;
import dev.capstan.task.OpenTask;
import dev.capstan.task.Repo;
import dev.capstan.task.StateChange;
import dev.capstan.task.Task;
import dev.capstan.task.TaskAudit;
import dev.capstan.task.TaskQuery;
import dev.capstan.task.TaskState;
import dev.capstan.task.TaskStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * What every {@link TaskStore} must do, whatever the database: numeric ids, compare-and-set state
 * changes with their audit row in the same transaction, attempts as history, repos, health events
 * and persisted limits. {@link SqliteTaskStoreTest} always runs it; {@link PostgresTaskStoreTest}
 * when {@code CAPSTAN_TEST_PG_URL} is set.
 *
 * <p>Confined to the test thread, except where a test starts its own racers.
 */
abstract class TaskStoreContract {
  static final Instant T0 = Instant.parse("2030-01-02T03:04:05.123456Z");

  private TaskStore store;

  /** A migrated, empty database for this test; the subclass closes it after the test. */
  protected abstract Database database();

  final TaskStore store() {
    if (store == null) {
      store = new JdbcTaskStore(database());
    }
    return store;
  }

  static Repo repo(String name) {
    return new Repo(
        name,
        "/src/" + name,
        "/src/" + name,
        "main",
        2,
        "command",
        Optional.of("make fmt"),
        Optional.empty(),
        Optional.of(Duration.ofMinutes(3)),
        Optional.empty(),
        Optional.empty(),
        T0,
        T0);
  }

  private Task submit(String repo) {
    return store()
        .insertTask(
            new NewTask(repo, "t", "say \"hi\"\nand go", "command", Optional.empty(), 0), T0);
  }

  private Optional<Task> move(
      Task task, TaskState to, AttemptEffect effect, StateChange.Counter... counters) {
    return store()
        .transition(
            new StateChange(
                task.id(),
                task.state(),
                to,
                task.attempt(),
                "test",
                "moved to " + to,
                T0.plusSeconds(1),
                effect,
                Set.of(counters)));
  }

  @Test
  void tasks_get_increasing_numeric_ids_and_a_creation_audit_row() {
    Task first = submit("acme");
    Task second = submit("acme");

    assertThat(first.id()).isPositive();
    assertThat(second.id()).isGreaterThan(first.id());
    assertThat(first.state()).isEqualTo(TaskState.QUEUED);
    assertThat(first.prompt()).isEqualTo("say \"hi\"\nand go");
    assertThat(first.createdAt()).isEqualTo(T0);
    assertThat(store().history(first.id()))
        .containsExactly(
            new TaskAudit(
                first.id(), T0, Optional.empty(), TaskState.QUEUED, "submit", "submitted"));
  }

  @Test
  void a_transition_begins_an_attempt_and_writes_its_audit_row() {
    Task task = submit("acme");

    Task moved =
        move(task, TaskState.PROVISIONING, new AttemptEffect.Begin("command", "capstan/task-1"))
            .orElseThrow();

    assertThat(moved.state()).isEqualTo(TaskState.PROVISIONING);
    assertThat(moved.attempt()).isEqualTo(1);
    assertThat(moved.branch()).contains("capstan/task-1");
    assertThat(store().attempts(task.id()))
        .singleElement()
        .satisfies(
            attempt -> {
              assertThat(attempt.number()).isEqualTo(1);
              assertThat(attempt.outcome()).isEqualTo(AttemptOutcome.RUNNING);
              assertThat(attempt.endedAt()).isEmpty();
            });
    assertThat(store().history(task.id()))
        .extracting(TaskAudit::to, TaskAudit::trigger)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(TaskState.QUEUED, "submit"),
            org.assertj.core.groups.Tuple.tuple(TaskState.PROVISIONING, "test"));
  }

  @Test
  void a_stale_transition_is_lost_and_writes_nothing() {
    Task task = submit("acme");
    move(task, TaskState.CANCELLED, new AttemptEffect.None()).orElseThrow();

    Optional<Task> stale =
        move(task, TaskState.PROVISIONING, new AttemptEffect.Begin("command", "capstan/task-1"));

    assertThat(stale).isEmpty();
    assertThat(store().findTask(task.id()).orElseThrow().state()).isEqualTo(TaskState.CANCELLED);
    assertThat(store().attempts(task.id())).isEmpty();
    assertThat(store().history(task.id())).hasSize(2);
  }

  @Test
  void a_late_finish_of_an_old_attempt_is_lost() {
    Task queued = submit("acme");
    Task first =
        move(queued, TaskState.PROVISIONING, new AttemptEffect.Begin("command", "b")).orElseThrow();
    Task running =
        move(first, TaskState.RUNNING, new AttemptEffect.Provisioned("/w/task-1")).orElseThrow();
    Task requeued =
        move(running, TaskState.QUEUED, AttemptEffect.End.of(AttemptOutcome.INTERRUPTED, "restart"))
            .orElseThrow();
    Task second =
        move(requeued, TaskState.PROVISIONING, new AttemptEffect.Begin("command", "b"))
            .orElseThrow();
    move(second, TaskState.RUNNING, new AttemptEffect.Provisioned("/w/task-1")).orElseThrow();

    // The first attempt's supervisor still believes the task runs its attempt 1.
    Optional<Task> late =
        move(running, TaskState.COMPLETED, AttemptEffect.End.of(AttemptOutcome.SUCCEEDED, "ok"));

    assertThat(late).isEmpty();
    assertThat(store().attempts(queued.id()))
        .extracting(Attempt::number, Attempt::outcome)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(1, AttemptOutcome.INTERRUPTED),
            org.assertj.core.groups.Tuple.tuple(2, AttemptOutcome.RUNNING));
  }

  @Test
  void ending_an_attempt_records_exit_code_reason_diffstat_and_commit() {
    Task task = submit("acme");
    Task provisioning =
        move(task, TaskState.PROVISIONING, new AttemptEffect.Begin("command", "b")).orElseThrow();
    Task running =
        move(provisioning, TaskState.RUNNING, new AttemptEffect.Provisioned("/w/task-1"))
            .orElseThrow();

    Task done =
        move(
                running,
                TaskState.COMPLETED,
                new AttemptEffect.End(
                    AttemptOutcome.SUCCEEDED,
                    Optional.of(0),
                    Optional.of("agent exited 0"),
                    Optional.of(new Diffstat(2, 10, 3)),
                    Optional.of("abc123")))
            .orElseThrow();

    assertThat(done.workspace()).contains("/w/task-1");
    Attempt attempt = store().attempts(task.id()).getFirst();
    assertThat(attempt.workspace()).contains("/w/task-1");
    assertThat(attempt.exitCode()).contains(0);
    assertThat(attempt.outcome()).isEqualTo(AttemptOutcome.SUCCEEDED);
    assertThat(attempt.diffstat()).contains(new Diffstat(2, 10, 3));
    assertThat(attempt.commit()).contains("abc123");
    assertThat(attempt.endedAt()).contains(T0.plusSeconds(1));
  }

  @Test
  void counters_are_bumped_by_the_change_that_names_them() {
    Task task = submit("acme");
    Task cancelled = move(task, TaskState.CANCELLED, new AttemptEffect.None()).orElseThrow();

    Task retried =
        move(
                cancelled,
                TaskState.QUEUED,
                new AttemptEffect.None(),
                StateChange.Counter.RETRIES,
                StateChange.Counter.GENERATION)
            .orElseThrow();

    assertThat(retried.retries()).isEqualTo(1);
    assertThat(retried.generation()).isEqualTo(2);
    assertThat(retried.autoRetries()).isZero();
  }

  @Test
  void of_many_racing_transitions_of_one_task_exactly_one_wins() throws Exception {
    Task task = submit("acme");
    int racers = 8;
    ExecutorService pool = Executors.newFixedThreadPool(racers);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<Optional<Task>>> results = new ArrayList<>();
    try {
      for (int i = 0; i < racers; i++) {
        results.add(
            pool.submit(
                () -> {
                  go.await();
                  return move(task, TaskState.PROVISIONING, new AttemptEffect.Begin("c", "b"));
                }));
      }
      go.countDown();
      int won = 0;
      for (Future<Optional<Task>> result : results) {
        won += result.get().isPresent() ? 1 : 0;
      }

      assertThat(won).isEqualTo(1);
      assertThat(store().attempts(task.id())).hasSize(1);
      assertThat(store().history(task.id())).hasSize(2);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void tasks_are_listed_newest_first_and_filtered_by_state_and_repo() {
    Task a1 = submit("a");
    Task b1 = submit("b");
    Task a2 = submit("a");
    move(a2, TaskState.CANCELLED, new AttemptEffect.None()).orElseThrow();

    List<Task> all = store().listTasks(new TaskQuery(Set.of(), Optional.empty(), 100));
    List<Task> queuedInA =
        store().listTasks(new TaskQuery(Set.of(TaskState.QUEUED), Optional.of("a"), 100));
    List<Task> active =
        store().tasksIn(Set.of(TaskState.QUEUED, TaskState.PROVISIONING, TaskState.RUNNING));

    assertThat(all).extracting(Task::id).containsExactly(a2.id(), b1.id(), a1.id());
    assertThat(queuedInA).extracting(Task::id).containsExactly(a1.id());
    assertThat(active).extracting(Task::id).containsExactly(a1.id(), b1.id());
    assertThat(store().listTasks(new TaskQuery(Set.of(), Optional.empty(), 1))).hasSize(1);
  }

  @Test
  void open_tasks_are_the_unfinished_ones_oldest_first_in_light_form() {
    Task a1 = submit("a");
    Task b1 = submit("b");
    Task a2 = submit("a");
    Task b2 =
        store()
            .insertTask(
                new NewTask("b", "t", "urgent", "command", Optional.empty(), 7), T0.plusSeconds(5));
    move(a2, TaskState.CANCELLED, new AttemptEffect.None()).orElseThrow();
    move(b1, TaskState.PROVISIONING, new AttemptEffect.Begin("command", "capstan/task-2"))
        .orElseThrow();

    List<OpenTask> open = store().openTasks();

    assertThat(open)
        .containsExactly(
            new OpenTask(a1.id(), "a", 0, T0, TaskState.QUEUED),
            new OpenTask(b1.id(), "b", 0, T0, TaskState.PROVISIONING),
            new OpenTask(b2.id(), "b", 7, T0.plusSeconds(5), TaskState.QUEUED));
    assertThat(open)
        .extracting(OpenTask::id)
        .containsExactlyElementsOf(
            store()
                .tasksIn(Set.of(TaskState.QUEUED, TaskState.PROVISIONING, TaskState.RUNNING))
                .stream()
                .map(Task::id)
                .toList());
  }

  @Test
  void repos_round_trip_refuse_duplicates_and_busy_deletes() {
    assertThat(store().insertRepo(repo("acme"))).isTrue();
    assertThat(store().insertRepo(repo("acme"))).isFalse();
    Task task = submit("acme");

    assertThat(store().findRepo("acme")).contains(repo("acme"));
    assertThat(store().deleteRepo("acme")).isFalse();

    move(task, TaskState.CANCELLED, new AttemptEffect.None()).orElseThrow();
    assertThat(store().deleteRepo("acme")).isTrue();
    assertThat(store().findRepo("acme")).isEmpty();
    assertThat(store().findTask(task.id())).isPresent();
  }

  @Test
  void repo_settings_are_updated_in_place() {
    store().insertRepo(repo("acme"));
    Repo changed =
        new Repo(
            "acme",
            "/src/acme",
            "/src/acme",
            "dev",
            5,
            "command",
            Optional.empty(),
            Optional.of("make deps"),
            Optional.empty(),
            Optional.of(Duration.ofHours(1)),
            Optional.of(Duration.ofMinutes(5)),
            T0,
            T0.plusSeconds(9));

    store().updateRepo(changed);

    assertThat(store().findRepo("acme")).contains(changed);
    assertThat(store().listRepos()).containsExactly(changed);
  }

  @Test
  void health_events_are_kept_newest_first() {
    HealthEvent crashed =
        store()
            .recordHealth(
                new HealthEvent(
                    0,
                    HealthKind.CRASHED,
                    "local/acme",
                    "acme",
                    Optional.of(4L),
                    "agent crashed",
                    T0));
    HealthEvent cleaned =
        store()
            .recordHealth(
                new HealthEvent(
                    0,
                    HealthKind.ORPHAN_CLEANED,
                    "local/acme",
                    "acme",
                    Optional.empty(),
                    "removed",
                    T0.plusSeconds(1)));

    assertThat(cleaned.id()).isGreaterThan(crashed.id());
    assertThat(store().recentHealth(10)).containsExactly(cleaned, crashed);
    assertThat(store().recentHealth(1)).containsExactly(cleaned);
    assertThat(store().latestHealth("acme")).contains(cleaned);
    assertThat(store().latestHealth("other")).isEmpty();
  }

  @Test
  void the_global_limit_is_persisted_and_replaced() {
    assertThat(store().globalLimit()).isEmpty();

    store().setGlobalLimit(8);
    store().setGlobalLimit(3);

    assertThat(store().globalLimit()).hasValue(3);
  }
}
