package dev.capstan.task;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RecoveryTest {
  private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

  static Task task(long id, TaskState state, int attempt, int autoRetries) {
    return new Task(
        id,
        "acme",
        "",
        "p",
        "command",
        Optional.empty(),
        0,
        state,
        attempt,
        1,
        Optional.of("capstan/task-" + id),
        Optional.empty(),
        0,
        autoRetries,
        T0,
        T0);
  }

  @Test
  void an_interrupted_task_with_retries_left_is_requeued_and_the_message_counts_them() {
    List<RecoveryDecision> plan =
        Recovery.plan(List.of(task(7, TaskState.RUNNING, 2, 1)), 3, "the daemon stopped");

    assertThat(plan).singleElement().isInstanceOf(RecoveryDecision.Requeue.class);
    assertThat(plan.getFirst().message())
        .isEqualTo(
            "attempt 2 interrupted while running: the daemon stopped; re-queued, automatic retry 2"
                + " of 3");
  }

  @Test
  void a_task_out_of_automatic_retries_fails_with_the_reason() {
    List<RecoveryDecision> plan =
        Recovery.plan(List.of(task(8, TaskState.PROVISIONING, 4, 3)), 3, "the daemon stopped");

    assertThat(plan).singleElement().isInstanceOf(RecoveryDecision.Fail.class);
    assertThat(plan.getFirst().message())
        .contains("attempt 4 interrupted while provisioning")
        .contains("automatic retries exhausted (3)");
  }

  @Test
  void tasks_that_hold_no_slot_are_left_alone() {
    List<RecoveryDecision> plan =
        Recovery.plan(
            List.of(task(1, TaskState.QUEUED, 0, 0), task(2, TaskState.FAILED, 1, 0)), 3, "x");

    assertThat(plan).isEmpty();
  }
}
