package dev.capstan.task;

import static dev.capstan.task.TaskState.CANCELLED;
import static dev.capstan.task.TaskState.COMPLETED;
import static dev.capstan.task.TaskState.FAILED;
import static dev.capstan.task.TaskState.NEEDS_ATTENTION;
import static dev.capstan.task.TaskState.PROVISIONING;
import static dev.capstan.task.TaskState.PR_OPENED;
import static dev.capstan.task.TaskState.QUEUED;
import static dev.capstan.task.TaskState.RUNNING;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TaskStateTest {
  private static final List<String> ALLOWED =
      List.of(
          "queued>provisioning",
          "queued>cancelled",
          "provisioning>running",
          "provisioning>cancelled",
          "provisioning>queued",
          "provisioning>failed",
          "running>pr_opened",
          "running>completed",
          "running>needs_attention",
          "running>failed",
          "running>cancelled",
          "running>queued",
          "pr_opened>completed",
          "needs_attention>queued",
          "needs_attention>cancelled",
          "failed>queued",
          "cancelled>queued");

  @Test
  void the_table_allows_exactly_the_moves_of_the_state_machine() {
    List<String> allowed = new ArrayList<>();
    for (TaskState from : TaskState.values()) {
      for (TaskState to : TaskState.values()) {
        if (from.canMoveTo(to)) {
          allowed.add(from + ">" + to);
        }
      }
    }

    assertThat(allowed).containsExactlyInAnyOrderElementsOf(ALLOWED);
  }

  @Test
  void completed_is_final() {
    for (TaskState to : TaskState.values()) {
      assertThat(COMPLETED.canMoveTo(to)).as("completed -> %s", to).isFalse();
    }
  }

  @Test
  void only_provisioning_and_running_hold_a_slot() {
    assertThat(TaskState.values())
        .filteredOn(TaskState::isActive)
        .containsExactlyInAnyOrder(PROVISIONING, RUNNING);
    assertThat(TaskState.values())
        .filteredOn(TaskState::isTerminal)
        .containsExactlyInAnyOrder(COMPLETED, FAILED, CANCELLED);
    assertThat(QUEUED.isTerminal() || NEEDS_ATTENTION.isTerminal() || PR_OPENED.isTerminal())
        .isFalse();
  }

  @Test
  void wire_names_round_trip() {
    for (TaskState state : TaskState.values()) {
      assertThat(TaskState.fromWireName(state.wireName())).contains(state);
    }
    assertThat(NEEDS_ATTENTION.wireName()).isEqualTo("needs_attention");
    assertThat(TaskState.fromWireName("RUNNING")).isEmpty();
  }
}
