package dev.capstan.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import org.jdbi.v3.core.transaction.TransactionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Group commit of SQLite writes: callers that write together share one commit, and each still gets
 * exactly the outcome a transaction of its own would have given it.
 */
class SqliteGroupCommitTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir Path dir;

  private Database database;
  private final List<Thread> threads = new ArrayList<>();

  @BeforeEach
  void open() {
    database = Database.sqlite(dir.resolve("capstan.db"));
    database
        .jdbi()
        .useHandle(
            handle -> {
              handle.execute("CREATE TABLE note (id INTEGER PRIMARY KEY, body TEXT NOT NULL)");
              handle.execute("CREATE TABLE parent (id INTEGER PRIMARY KEY)");
              handle.execute(
                  "CREATE TABLE child (id INTEGER PRIMARY KEY, parent INTEGER NOT NULL"
                      + " REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED)");
            });
  }

  @AfterEach
  void close() throws InterruptedException {
    for (Thread thread : threads) {
      thread.join(WAIT.toMillis());
    }
    database.close();
  }

  @Test
  void concurrent_writers_all_commit_and_each_gets_its_own_result() throws Exception {
    int writers = 16;
    int perWriter = 40;
    long commitsBefore = database.groupCommits();
    List<FutureTask<List<Integer>>> results = new ArrayList<>();
    for (int w = 0; w < writers; w++) {
      int writer = w;
      results.add(
          start(
              () -> {
                List<Integer> mine = new ArrayList<>();
                for (int i = 0; i < perWriter; i++) {
                  int id = writer * 1000 + i;
                  mine.add(database.inWriteTransaction(handle -> insertNote(handle, id)));
                }
                return mine;
              }));
    }
    for (int w = 0; w < writers; w++) {
      List<Integer> expected = new ArrayList<>();
      for (int i = 0; i < perWriter; i++) {
        expected.add(w * 1000 + i);
      }
      assertThat(results.get(w).get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(expected);
    }
    assertThat(noteCount()).isEqualTo(writers * perWriter);
    assertThat(database.groupCommits() - commitsBefore).isBetween(1L, (long) writers * perWriter);
  }

  @Test
  void writers_queued_behind_a_running_batch_share_the_next_commit() throws Exception {
    long commitsBefore = database.groupCommits();
    CountDownLatch release = new CountDownLatch(1);
    FutureTask<Integer> first = startBlockingWriter(release);

    List<FutureTask<Integer>> queued = new ArrayList<>();
    for (int i = 1; i <= 10; i++) {
      int id = i;
      queued.add(start(() -> database.inWriteTransaction(handle -> insertNote(handle, id))));
    }
    awaitAllWaiting();
    release.countDown();

    assertThat(first.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isZero();
    for (int i = 0; i < queued.size(); i++) {
      assertThat(queued.get(i).get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(i + 1);
    }
    assertThat(noteCount()).isEqualTo(11);
    assertThat(database.groupCommits() - commitsBefore)
        .as("the blocked writer's commit and one commit for the ten queued behind it")
        .isEqualTo(2);
  }

  @Test
  void a_failing_unit_is_rolled_back_alone_and_only_its_caller_sees_the_exception()
      throws Exception {
    long commitsBefore = database.groupCommits();
    CountDownLatch release = new CountDownLatch(1);
    FutureTask<Integer> first = startBlockingWriter(release);

    FutureTask<Integer> before = start(() -> writeNote(1));
    FutureTask<Integer> throwing =
        start(
            () ->
                database.inWriteTransaction(
                    handle -> {
                      insertNote(handle, 2);
                      throw new IllegalStateException("unit gave up");
                    }));
    FutureTask<Integer> sqlError =
        start(
            () ->
                database.inWriteTransaction(
                    handle -> {
                      insertNote(handle, 3);
                      return insertNote(handle, 0); // duplicate key of the first writer's row
                    }));
    FutureTask<Integer> after = start(() -> writeNote(4));
    awaitAllWaiting();
    release.countDown();

    assertThat(first.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isZero();
    assertThat(before.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(1);
    assertThat(after.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(4);
    assertThat(causeOf(throwing))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("unit gave up");
    assertThat(causeOf(sqlError)).isInstanceOf(UnableToExecuteStatementException.class);
    assertThat(noteIds()).containsExactly(0, 1, 4);
    assertThat(database.groupCommits() - commitsBefore).isEqualTo(2);
  }

  @Test
  void a_failing_commit_fails_every_unit_of_its_batch_and_the_next_batch_commits()
      throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    FutureTask<Integer> first = startBlockingWriter(release);

    FutureTask<Integer> innocent = start(() -> writeNote(1));
    FutureTask<Integer> orphan =
        start(
            () ->
                database.inWriteTransaction(
                    handle ->
                        // the missing parent is only noticed by the COMMIT
                        handle.execute("INSERT INTO child (id, parent) VALUES (1, 42)")));
    awaitAllWaiting();
    release.countDown();

    assertThat(first.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isZero();
    assertThat(causeOf(innocent)).isInstanceOf(TransactionException.class);
    assertThat(causeOf(orphan)).isInstanceOf(TransactionException.class);
    assertThat(noteIds()).containsExactly(0);
    int children =
        database
            .jdbi()
            .withHandle(
                handle ->
                    handle.createQuery("SELECT COUNT(*) FROM child").mapTo(Integer.class).one());
    assertThat(children).isZero();

    assertThat(writeNote(5)).isEqualTo(5);
    assertThat(noteIds()).containsExactly(0, 5);
  }

  @Test
  void a_thousand_virtual_thread_writers_all_commit() throws Exception {
    List<Thread> writers = new ArrayList<>();
    for (int i = 1; i <= 1000; i++) {
      int id = i;
      writers.add(Thread.ofVirtual().start(() -> writeNote(id)));
    }
    for (Thread writer : writers) {
      writer.join(WAIT.toMillis());
    }

    assertThat(noteCount()).isEqualTo(1000);
  }

  @Test
  void a_write_after_close_fails_clearly() {
    database.close();

    assertThatThrownBy(() -> writeNote(1))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
    database = Database.sqlite(dir.resolve("capstan.db"));
  }

  @Test
  void a_unit_that_writes_again_on_its_own_thread_runs_inline() {
    int result =
        assertTimeout(
            () ->
                database.inWriteTransaction(
                    handle -> {
                      insertNote(handle, 1);
                      int inner = database.inWriteTransaction(inside -> insertNote(inside, 2));
                      Throwable failed =
                          catchThrowable(
                              () ->
                                  database.inWriteTransaction(
                                      inside -> {
                                        insertNote(inside, 3);
                                        throw new IllegalArgumentException("inner gave up");
                                      }));
                      assertThat(failed).hasMessage("inner gave up");
                      return inner + 10;
                    }));

    assertThat(result).isEqualTo(12);
    assertThat(noteIds()).containsExactly(1, 2);
  }

  @Test
  void an_outer_unit_that_fails_takes_its_nested_writes_with_it() {
    assertThatThrownBy(
            () ->
                database.inWriteTransaction(
                    handle -> {
                      insertNote(handle, 1);
                      database.inWriteTransaction(inside -> insertNote(inside, 2));
                      throw new IllegalStateException("outer gave up");
                    }))
        .hasMessage("outer gave up");
    assertThat(noteIds()).isEmpty();
  }

  @Test
  void a_checked_exception_reaches_its_caller_unwrapped() {
    HandleCallback<Integer, java.io.IOException> failing =
        handle -> {
          insertNote(handle, 1);
          throw new java.io.IOException("disk says no");
        };
    assertThatThrownBy(() -> database.inWriteTransaction(failing))
        .isInstanceOf(java.io.IOException.class)
        .hasMessage("disk says no");
    assertThat(noteIds()).isEmpty();
  }

  private int writeNote(int id) {
    return database.inWriteTransaction(handle -> insertNote(handle, id));
  }

  private static int insertNote(Handle handle, int id) {
    handle
        .createUpdate("INSERT INTO note (id, body) VALUES (:id, :body)")
        .bind("id", id)
        .bind("body", "note " + id)
        .execute();
    return id;
  }

  /** Starts a writer of note 0 that holds its batch open until {@code release}. */
  private FutureTask<Integer> startBlockingWriter(CountDownLatch release)
      throws InterruptedException {
    CountDownLatch inside = new CountDownLatch(1);
    FutureTask<Integer> first =
        start(
            () ->
                database.inWriteTransaction(
                    handle -> {
                      insertNote(handle, 0);
                      inside.countDown();
                      if (!release.await(WAIT.toSeconds(), TimeUnit.SECONDS)) {
                        throw new IllegalStateException("never released");
                      }
                      return 0;
                    }));
    assertThat(inside.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
    return first;
  }

  /** Waits until every started writer but the first (which holds the batch) is parked. */
  private void awaitAllWaiting() {
    await()
        .atMost(WAIT)
        .until(
            () ->
                threads.subList(1, threads.size()).stream()
                    .allMatch(thread -> thread.getState() == Thread.State.WAITING));
  }

  private <T> FutureTask<T> start(java.util.concurrent.Callable<T> work) {
    FutureTask<T> task = new FutureTask<>(work);
    threads.add(Thread.ofPlatform().name("writer-" + threads.size()).start(task));
    return task;
  }

  private static Throwable causeOf(FutureTask<?> task) throws Exception {
    try {
      task.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return e.getCause();
    }
    throw new AssertionError("expected the write to fail");
  }

  private static <T> T assertTimeout(java.util.concurrent.Callable<T> work) {
    return org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(WAIT, work::call);
  }

  private int noteCount() {
    return noteIds().size();
  }

  private List<Integer> noteIds() {
    return database
        .jdbi()
        .withHandle(
            handle ->
                handle.createQuery("SELECT id FROM note ORDER BY id").mapTo(Integer.class).list());
  }
}
