package dev.capstan.task;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class HealthCheckTest {
  private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

  @Test
  void an_active_task_without_a_supervisor_is_a_lost_worker() {
    Task running = RecoveryTest.task(1, TaskState.RUNNING, 1, 0);

    List<HealthDecision> found =
        HealthCheck.decide(
            new HealthSnapshot(
                T0,
                List.of(running),
                Set.of(),
                List.of(),
                Set.of(1L),
                Map.of(),
                Duration.ofMinutes(10)));

    assertThat(found).containsExactly(new HealthDecision.LostWorker(running));
  }

  @Test
  void a_supervised_task_provisioning_past_its_timeout_is_reported_stuck() {
    Task provisioning = RecoveryTest.task(2, TaskState.PROVISIONING, 1, 0);

    List<HealthDecision> found =
        HealthCheck.decide(
            new HealthSnapshot(
                T0.plusSeconds(31),
                List.of(provisioning),
                Set.of(2L),
                List.of(),
                Set.of(2L),
                Map.of("acme", Duration.ofSeconds(30)),
                Duration.ofMinutes(10)));

    assertThat(found)
        .containsExactly(
            new HealthDecision.StuckProvisioning(provisioning, Duration.ofSeconds(31)));
  }

  @Test
  void a_worktree_of_no_known_task_is_an_orphan_and_a_known_ones_is_not() {
    HealthSnapshot.Worktree orphan =
        new HealthSnapshot.Worktree(Path.of("w/acme/task-9"), "acme", Optional.of(9L));
    HealthSnapshot.Worktree unnamed =
        new HealthSnapshot.Worktree(Path.of("w/acme/junk"), "acme", Optional.empty());
    HealthSnapshot.Worktree owned =
        new HealthSnapshot.Worktree(Path.of("w/acme/task-3"), "acme", Optional.of(3L));

    List<HealthDecision> found =
        HealthCheck.decide(
            new HealthSnapshot(
                T0,
                List.of(),
                Set.of(),
                List.of(orphan, unnamed, owned),
                Set.of(3L),
                Map.of(),
                Duration.ofMinutes(10)));

    assertThat(found)
        .containsExactly(
            new HealthDecision.OrphanWorktree(orphan), new HealthDecision.OrphanWorktree(unnamed));
  }

  @Test
  void exit_codes_are_read_as_outcomes_and_health_kinds() {
    assertThat(AgentExit.classify(0).outcome()).isEqualTo(AttemptOutcome.SUCCEEDED);
    assertThat(AgentExit.classify(0).health()).isEmpty();
    assertThat(AgentExit.classify(2).reason()).isEqualTo("agent exited with code 2");
    assertThat(AgentExit.classify(137).health()).contains(HealthKind.OOM_KILLED);
    assertThat(AgentExit.classify(139).health()).contains(HealthKind.CRASHED);
    assertThat(AgentExit.classify(139).reason()).contains("signal 11");
  }
}
