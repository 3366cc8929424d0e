package dev.capstan.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class OpenTasksTest {
  /** What the store holds, as the view's loader reads it. */
  private final List<OpenTask> stored = new ArrayList<>();

  private final AtomicInteger loads = new AtomicInteger();
  private final OpenTasks open =
      new OpenTasks(
          () -> {
            loads.incrementAndGet();
            return List.copyOf(stored);
          });

  private static Task task(long id, TaskState state) {
    return RecoveryTest.task(id, state, 1, 0);
  }

  private List<String> view() {
    return open.snapshot().stream().map(t -> t.id() + ":" + t.state().wireName()).toList();
  }

  @Test
  void it_loads_the_store_once_and_then_follows_the_committed_changes() {
    stored.add(OpenTasks.of(task(1, TaskState.QUEUED)));
    stored.add(OpenTasks.of(task(2, TaskState.RUNNING)));

    assertThat(view()).containsExactly("1:queued", "2:running");

    open.write(1, () -> Optional.of(task(1, TaskState.PROVISIONING)));
    open.write(2, () -> Optional.of(task(2, TaskState.COMPLETED)));
    open.created(task(3, TaskState.QUEUED));

    assertThat(view()).containsExactly("1:provisioning", "3:queued");
    assertThat(loads).hasValue(1);
  }

  @Test
  void a_lost_compare_and_set_changes_nothing() {
    stored.add(OpenTasks.of(task(1, TaskState.QUEUED)));
    view();

    open.write(1, Optional::empty);

    assertThat(view()).containsExactly("1:queued");
  }

  @Test
  void a_write_that_throws_makes_the_next_snapshot_read_the_store_again() {
    stored.add(OpenTasks.of(task(1, TaskState.RUNNING)));
    view();

    assertThatThrownBy(
            () ->
                open.write(
                    1,
                    () -> {
                      // the commit's outcome is unknown to the caller: the store has it finished
                      stored.clear();
                      throw new IllegalStateException("connection lost after the commit");
                    }))
        .isInstanceOf(IllegalStateException.class);

    assertThat(view()).isEmpty();
    assertThat(loads).hasValue(2);
  }

  @Test
  void a_creation_heard_after_a_later_change_does_not_bring_the_old_state_back() {
    view();
    open.write(4, () -> Optional.of(task(4, TaskState.PROVISIONING)));

    open.created(task(4, TaskState.QUEUED));

    assertThat(view()).containsExactly("4:provisioning");
  }

  @Test
  void a_task_that_moved_on_unseen_is_refreshed_from_the_store() {
    view();
    open.created(task(5, TaskState.QUEUED));

    open.refresh(5, () -> Optional.of(task(5, TaskState.CANCELLED)));

    assertThat(view()).isEmpty();
  }

  @Test
  void an_invalidated_view_is_read_again_from_the_store() {
    view();
    stored.add(OpenTasks.of(task(9, TaskState.QUEUED)));

    open.invalidate();

    assertThat(view()).containsExactly("9:queued");
  }

  @Test
  void a_write_waits_for_a_reload_in_progress_so_the_reload_cannot_undo_it() throws Exception {
    List<OpenTask> store = new ArrayList<>(List.of(OpenTasks.of(task(1, TaskState.RUNNING))));
    CountDownLatch reading = new CountDownLatch(1);
    CountDownLatch install = new CountDownLatch(1);
    OpenTasks slowLoad =
        new OpenTasks(
            () -> {
              List<OpenTask> read = List.copyOf(store);
              reading.countDown();
              awaitQuietly(install);
              return read;
            });
    Thread reader = Thread.ofPlatform().start(slowLoad::snapshot);
    assertThat(reading.await(10, TimeUnit.SECONDS)).isTrue();
    Thread writer =
        Thread.ofPlatform()
            .start(
                () ->
                    slowLoad.write(
                        1,
                        () -> {
                          store.clear();
                          return Optional.of(task(1, TaskState.COMPLETED));
                        }));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                writer.getState() == Thread.State.WAITING
                    || writer.getState() == Thread.State.TERMINATED);

    install.countDown();
    reader.join(10_000);
    writer.join(10_000);

    assertThat(slowLoad.snapshot()).as("the finished task must not come back").isEmpty();
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
