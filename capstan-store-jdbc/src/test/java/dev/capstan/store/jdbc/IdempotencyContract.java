package dev.capstan.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.capstan.idempotency.IdempotencyKey;
import dev.capstan.idempotency.IdempotencyStore;
import dev.capstan.idempotency.Idempotent;
import dev.capstan.session.Session;
import dev.capstan.session.Turn;
import dev.capstan.task.NewTask;
import dev.capstan.task.Task;
import dev.capstan.task.TaskQuery;
import dev.capstan.task.TaskState;
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
 * What idempotency keys guarantee in every database: a key creates one task, one turn or one repo
 * however often (and however concurrently) it is sent, the repeat answers with that object, and a
 * key is forgotten after its retention. {@link SqliteIdempotencyTest} always runs it; {@link
 * PostgresIdempotencyTest} when {@code CAPSTAN_TEST_PG_URL} is set.
 */
abstract class IdempotencyContract {
  static final Instant T0 = Instant.parse("2030-01-02T03:04:05.123456Z");

  private JdbcTaskStore tasks;
  private JdbcSessionStore sessions;
  private JdbcIdempotencyStore keys;

  /** A migrated, empty database for this test; the subclass closes it afterwards. */
  protected abstract Database database();

  private JdbcTaskStore tasks() {
    if (tasks == null) {
      tasks = new JdbcTaskStore(database());
      tasks.insertRepo(TaskStoreContract.repo("acme"));
    }
    return tasks;
  }

  private JdbcSessionStore sessions() {
    if (sessions == null) {
      sessions = new JdbcSessionStore(database());
      sessions.createSession(new Session("s1", "one", "/w/s1", Optional.empty(), T0, T0));
      sessions.createSession(new Session("s2", "two", "/w/s2", Optional.empty(), T0, T0));
    }
    return sessions;
  }

  private JdbcIdempotencyStore keys() {
    if (keys == null) {
      keys = new JdbcIdempotencyStore(database());
    }
    return keys;
  }

  private static NewTask task(String prompt) {
    return new NewTask("acme", "", prompt, "command", Optional.empty(), 0);
  }

  private Idempotent<Task> submit(String prompt, String key) {
    return tasks().insertTask(task(prompt), T0, Optional.of(new IdempotencyKey(key)));
  }

  private List<Task> allTasks() {
    return tasks().listTasks(new TaskQuery(Set.of(TaskState.values()), Optional.empty(), 1_000));
  }

  @Test
  void one_key_sent_twice_creates_one_task_and_answers_with_it_both_times() {
    Idempotent<Task> first = submit("fix the build", "key-1");
    Idempotent<Task> again = submit("fix the build", "key-1");

    assertThat(first.replayed()).isFalse();
    assertThat(again.replayed()).isTrue();
    assertThat(again.value()).isEqualTo(first.value());
    assertThat(allTasks()).extracting(Task::id).containsExactly(first.value().id());
    assertThat(keys().createdWith(IdempotencyStore.TASKS, new IdempotencyKey("key-1")))
        .contains(Long.toString(first.value().id()));
  }

  @Test
  void different_keys_and_no_key_create_a_task_each() {
    Task one = submit("a", "key-1").value();
    Task two = submit("a", "key-2").value();
    Task three = tasks().insertTask(task("a"), T0);

    assertThat(allTasks())
        .extracting(Task::id)
        .containsExactlyInAnyOrder(one.id(), two.id(), three.id());
  }

  @Test
  void concurrent_requests_with_one_key_create_one_task() throws Exception {
    tasks();
    int racers = 8;
    ExecutorService pool = Executors.newFixedThreadPool(racers);
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<Idempotent<Task>>> answers = new ArrayList<>();
      for (int i = 0; i < racers; i++) {
        answers.add(
            pool.submit(
                () -> {
                  start.await();
                  return submit("only once", "the-key");
                }));
      }
      start.countDown();
      List<Idempotent<Task>> results = new ArrayList<>();
      for (Future<Idempotent<Task>> answer : answers) {
        results.add(answer.get());
      }

      assertThat(allTasks()).hasSize(1);
      long id = allTasks().getFirst().id();
      assertThat(results).allSatisfy(result -> assertThat(result.value().id()).isEqualTo(id));
      assertThat(results).filteredOn(result -> !result.replayed()).hasSize(1);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void one_key_queues_one_turn_per_session_and_the_same_key_elsewhere_is_another_turn() {
    Optional<IdempotencyKey> key = Optional.of(new IdempotencyKey("turn-key"));
    Idempotent<Turn> first = sessions().enqueueTurn("s1", "t1", "hello", T0, Optional.empty(), key);
    Idempotent<Turn> again = sessions().enqueueTurn("s1", "t2", "hello", T0, Optional.empty(), key);
    Idempotent<Turn> other = sessions().enqueueTurn("s2", "t3", "hello", T0, Optional.empty(), key);

    assertThat(first.replayed()).isFalse();
    assertThat(again.replayed()).isTrue();
    assertThat(again.value().id()).isEqualTo("t1");
    assertThat(sessions().turnsOf("s1")).extracting(Turn::id).containsExactly("t1");
    assertThat(other.replayed()).isFalse();
    assertThat(sessions().turnsOf("s2")).extracting(Turn::id).containsExactly("t3");
  }

  @Test
  void concurrent_turns_with_one_key_queue_one_turn() throws Exception {
    sessions();
    int racers = 6;
    ExecutorService pool = Executors.newFixedThreadPool(racers);
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<Idempotent<Turn>>> answers = new ArrayList<>();
      for (int i = 0; i < racers; i++) {
        String turnId = "t" + i;
        answers.add(
            pool.submit(
                () -> {
                  start.await();
                  return sessions()
                      .enqueueTurn(
                          "s1",
                          turnId,
                          "hi",
                          T0,
                          Optional.empty(),
                          Optional.of(new IdempotencyKey("k")));
                }));
      }
      start.countDown();
      List<String> ids = new ArrayList<>();
      for (Future<Idempotent<Turn>> answer : answers) {
        ids.add(answer.get().value().id());
      }

      assertThat(sessions().turnsOf("s1")).hasSize(1);
      assertThat(ids).containsOnly(sessions().turnsOf("s1").getFirst().id());
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void a_repo_key_replays_the_repo_and_a_taken_name_under_a_new_key_stores_nothing() {
    Optional<IdempotencyKey> key = Optional.of(new IdempotencyKey("repo-key"));
    var first = tasks().insertRepo(TaskStoreContract.repo("widgets"), key);
    var again = tasks().insertRepo(TaskStoreContract.repo("widgets"), key);
    var taken =
        tasks()
            .insertRepo(
                TaskStoreContract.repo("widgets"), Optional.of(new IdempotencyKey("other-key")));

    assertThat(first).contains(Idempotent.created("widgets"));
    assertThat(again).contains(Idempotent.replayed("widgets"));
    assertThat(taken).isEmpty();
    assertThat(keys().createdWith(IdempotencyStore.REPOS, new IdempotencyKey("other-key")))
        .isEmpty();
  }

  @Test
  void keys_older_than_the_cutoff_are_forgotten_and_then_create_anew() {
    Task first = submit("a", "old-key").value();
    tasks()
        .insertTask(
            task("b"), T0.plus(Duration.ofHours(2)), Optional.of(new IdempotencyKey("new")));

    int forgotten = keys().forgetBefore(T0.plus(Duration.ofHours(1)));

    assertThat(forgotten).isEqualTo(1);
    assertThat(keys().createdWith(IdempotencyStore.TASKS, new IdempotencyKey("new"))).isPresent();
    Idempotent<Task> afterwards = submit("a", "old-key");
    assertThat(afterwards.replayed()).isFalse();
    assertThat(afterwards.value().id()).isNotEqualTo(first.id());
  }
}
