package dev.capstan.task;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DispatcherTest {
  private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

  private static DispatchSnapshot.Queued queued(long id, String repo, int priority, int second) {
    return new DispatchSnapshot.Queued(id, repo, priority, T0.plusSeconds(second));
  }

  @Test
  void higher_priority_starts_first_then_first_come_first_served() {
    DispatchSnapshot snapshot =
        new DispatchSnapshot(
            List.of(
                queued(1, "a", 0, 1),
                queued(2, "b", 5, 3),
                queued(3, "c", 0, 0),
                queued(4, "d", 5, 2)),
            Map.of(),
            3,
            Map.of(),
            2);

    DispatchPlan plan = Dispatcher.plan(snapshot);

    assertThat(plan.starts()).extracting(DispatchDecision::taskId).containsExactly(4L, 2L, 3L);
    assertThat(plan.waits())
        .singleElement()
        .satisfies(
            wait -> {
              assertThat(wait.taskId()).isEqualTo(1L);
              assertThat(wait.reason().text()).isEqualTo("global limit 3/3");
            });
  }

  @Test
  void a_full_repo_holds_its_tasks_back_with_the_repo_reason_but_not_other_repos() {
    DispatchSnapshot snapshot =
        new DispatchSnapshot(
            List.of(queued(1, "acme", 0, 0), queued(2, "acme", 0, 1), queued(3, "web", 0, 2)),
            Map.of("acme", 1),
            5,
            Map.of("acme", 2),
            2);

    DispatchPlan plan = Dispatcher.plan(snapshot);

    assertThat(plan.starts()).extracting(DispatchDecision::taskId).containsExactly(1L, 3L);
    assertThat(plan.waits())
        .singleElement()
        .extracting(wait -> wait.reason().text())
        .isEqualTo("repo limit 2/2 (acme)");
  }

  @Test
  void the_global_reason_shows_the_count_after_this_plans_starts() {
    DispatchSnapshot snapshot =
        new DispatchSnapshot(
            List.of(queued(1, "a", 0, 0), queued(2, "a", 0, 1), queued(3, "b", 0, 2)),
            Map.of("x", 4),
            5,
            Map.of(),
            1);

    DispatchPlan plan = Dispatcher.plan(snapshot);

    assertThat(plan.starts()).extracting(DispatchDecision::taskId).containsExactly(1L);
    assertThat(plan.waits())
        .extracting(wait -> wait.reason().text())
        .containsExactly("global limit 5/5", "global limit 5/5");
  }

  @Test
  void nothing_queued_means_no_decisions() {
    DispatchPlan plan =
        Dispatcher.plan(new DispatchSnapshot(List.of(), Map.of("a", 2), 5, Map.of(), 2));

    assertThat(plan.decisions()).isEmpty();
  }

  @Test
  void a_repo_limit_lowered_below_its_active_count_starts_nothing_there() {
    DispatchSnapshot snapshot =
        new DispatchSnapshot(
            List.of(queued(1, "acme", 0, 0)), Map.of("acme", 3), 10, Map.of("acme", 1), 2);

    DispatchPlan plan = Dispatcher.plan(snapshot);

    assertThat(plan.starts()).isEmpty();
    assertThat(plan.waits().getFirst().reason().text()).isEqualTo("repo limit 3/1 (acme)");
  }
}
