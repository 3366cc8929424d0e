package dev.capstan.daemon.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.capstan.daemon.git.TestRepos;
import dev.capstan.event.StreamName;
import dev.capstan.task.Attempt;
import dev.capstan.task.AttemptOutcome;
import dev.capstan.task.Diffstat;
import dev.capstan.task.HealthKind;
import dev.capstan.task.InvalidTransition;
import dev.capstan.task.NewTask;
import dev.capstan.task.Repo;
import dev.capstan.task.RetryLimit;
import dev.capstan.task.Task;
import dev.capstan.task.TaskState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The engine on real SQLite, real git worktrees and real processes. */
class TaskEngineTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir Path dir;
  private TaskFixture tasks;

  @BeforeEach
  void start() {
    tasks = TaskFixture.start(dir);
  }

  @AfterEach
  void stop() throws InterruptedException {
    tasks.close();
  }

  private Task submit(String repo, String command) {
    return tasks.engine.submit(
        new NewTask(repo, "", "change \"things\"\nplease", "", Optional.ofNullable(command), 0));
  }

  private Task awaitState(long id, TaskState state) {
    await().atMost(WAIT).until(() -> tasks.engine.find(id).state() == state);
    return tasks.engine.find(id);
  }

  @Test
  void a_task_runs_in_its_worktree_commits_its_changes_and_keeps_the_branch() throws Exception {
    Repo repo = tasks.repo("acme", "echo made > made.txt && echo \"$CAPSTAN_PROMPT\"");

    Task task = submit("acme", null);
    Task done = awaitState(task.id(), TaskState.COMPLETED);

    Attempt attempt = tasks.store.attempts(task.id()).getFirst();
    assertThat(attempt.outcome()).isEqualTo(AttemptOutcome.SUCCEEDED);
    assertThat(attempt.exitCode()).contains(0);
    assertThat(attempt.diffstat()).contains(new Diffstat(1, 1, 0));
    assertThat(done.branch()).contains("capstan/task-" + task.id());
    Path checkout = Path.of(repo.path());
    assertThat(TestRepos.git(checkout, "show", "capstan/task-" + task.id() + ":made.txt"))
        .isEqualTo("made");
    assertThat(TestRepos.git(checkout, "status", "--porcelain")).isEmpty();
    assertThat(Files.exists(checkout.resolve("made.txt"))).isFalse();
    assertThat(tasks.output(task.id())).contains("change \\\"things\\\"\\nplease");
    assertThat(tasks.store.history(task.id()))
        .extracting(audit -> audit.to())
        .containsExactly(
            TaskState.QUEUED, TaskState.PROVISIONING, TaskState.RUNNING, TaskState.COMPLETED);
  }

  @Test
  void a_non_zero_exit_fails_the_task_with_the_exit_code_and_commits_nothing() throws Exception {
    Repo repo = tasks.repo("acme", "echo x > x.txt; exit 3");

    Task task = submit("acme", null);
    awaitState(task.id(), TaskState.FAILED);

    Attempt attempt = tasks.store.attempts(task.id()).getFirst();
    assertThat(attempt.outcome()).isEqualTo(AttemptOutcome.FAILED);
    assertThat(attempt.exitCode()).contains(3);
    assertThat(attempt.reason()).contains("agent exited with code 3");
    assertThat(attempt.commit()).isEmpty();
    String base = TestRepos.git(Path.of(repo.path()), "rev-parse", "main");
    assertThat(TestRepos.git(Path.of(repo.path()), "rev-parse", "capstan/task-" + task.id()))
        .isEqualTo(base);
  }

  @Test
  void cancel_kills_a_grandchild_within_five_seconds_and_the_task_never_changes_again()
      throws Exception {
    Path pidFile = dir.resolve("grandchild.pid");
    tasks.repo("acme", "sh -c 'sleep 300 & echo $! > " + pidFile + "; wait'; echo late > late.txt");
    Task task = submit("acme", null);
    awaitState(task.id(), TaskState.RUNNING);
    await().atMost(WAIT).until(() -> Files.exists(pidFile) && Files.size(pidFile) > 0);
    long pid = Long.parseLong(Files.readString(pidFile).strip());

    Task cancelled = tasks.engine.cancel(task.id());

    assertThat(cancelled.state()).isEqualTo(TaskState.CANCELLED);
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true));
    await().atMost(WAIT).until(() -> tasks.engine.supervision().find(task.id()).isEmpty());
    assertThat(tasks.engine.find(task.id()).state()).isEqualTo(TaskState.CANCELLED);
    assertThat(tasks.store.attempts(task.id()).getFirst().outcome())
        .isEqualTo(AttemptOutcome.CANCELLED);
    assertThat(tasks.engine.cancel(task.id()).state()).isEqualTo(TaskState.CANCELLED);
    assertThat(tasks.store.history(task.id())).hasSize(4);
  }

  @Test
  void a_completed_task_cannot_be_cancelled_retried_or_restarted() throws Exception {
    tasks.repo("acme", "true");
    Task task = submit("acme", null);
    awaitState(task.id(), TaskState.COMPLETED);

    assertThatThrownBy(() -> tasks.engine.cancel(task.id()))
        .isInstanceOf(InvalidTransition.class)
        .hasMessageContaining("it is completed");
    assertThatThrownBy(() -> tasks.engine.retry(task.id())).isInstanceOf(InvalidTransition.class);
    assertThatThrownBy(() -> tasks.engine.restart(task.id())).isInstanceOf(InvalidTransition.class);
  }

  @Test
  void queued_tasks_show_the_limit_they_wait_for_and_start_when_a_slot_frees() throws Exception {
    tasks.repo("acme", "sleep 30");
    tasks.engine.setGlobalLimit(1);
    Task first = submit("acme", null);
    awaitState(first.id(), TaskState.RUNNING);

    Task second = submit("acme", null);
    await().atMost(WAIT).until(() -> tasks.engine.pendingReason(second.id()).isPresent());

    assertThat(tasks.engine.pendingReason(second.id())).contains("global limit 1/1");
    assertThat(tasks.eventsOf(StreamName.task(second.id())))
        .anyMatch(
            event ->
                event.type().equals("task.pending")
                    && event.dataJson().contains("global limit 1/1"));

    tasks.engine.setGlobalLimit(5);
    awaitState(second.id(), TaskState.RUNNING);
    assertThat(tasks.engine.pendingReason(second.id())).isEmpty();

    Task third = submit("acme", null);
    await().atMost(WAIT).until(() -> tasks.engine.pendingReason(third.id()).isPresent());
    assertThat(tasks.engine.pendingReason(third.id())).contains("repo limit 2/2 (acme)");
  }

  @Test
  void a_hanging_setup_times_out_with_a_clear_reason_and_a_retry_works() throws Exception {
    tasks.repo("acme", "echo ok > ok.txt");
    tasks.repos.change(
        "acme",
        new RepoService.RepoPatch(
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.of("sleep 60"),
            Optional.of(Duration.ofSeconds(1)),
            Optional.empty(),
            Optional.empty()));

    Task task = submit("acme", null);
    awaitState(task.id(), TaskState.FAILED);
    Attempt first = tasks.store.attempts(task.id()).getFirst();
    assertThat(first.outcome()).isEqualTo(AttemptOutcome.TIMED_OUT);
    assertThat(first.reason()).hasValueSatisfying(r -> assertThat(r).contains("provisioning"));

    tasks.repos.change(
        "acme",
        new RepoService.RepoPatch(
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.of(""),
            Optional.empty(),
            Optional.empty(),
            Optional.empty()));
    Task retried = tasks.engine.retry(task.id());

    assertThat(retried.retries()).isEqualTo(1);
    awaitState(task.id(), TaskState.COMPLETED);
    assertThat(tasks.store.attempts(task.id()))
        .extracting(Attempt::outcome)
        .containsExactly(AttemptOutcome.TIMED_OUT, AttemptOutcome.SUCCEEDED);
  }

  @Test
  void the_run_timeout_kills_the_agent_and_names_the_phase() throws Exception {
    tasks.repo("acme", "sleep 60");
    tasks.repos.change(
        "acme",
        new RepoService.RepoPatch(
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.of(Duration.ofSeconds(1)),
            Optional.empty()));

    Task task = submit("acme", null);
    awaitState(task.id(), TaskState.FAILED);

    Attempt attempt = tasks.store.attempts(task.id()).getFirst();
    assertThat(attempt.outcome()).isEqualTo(AttemptOutcome.TIMED_OUT);
    assertThat(attempt.reason()).hasValueSatisfying(r -> assertThat(r).contains("run timeout"));
  }

  @Test
  void redo_starts_a_new_branch_from_the_base_and_keeps_the_old_attempts() throws Exception {
    Repo repo = tasks.repo("acme", "echo x > x.txt; exit 1");
    Task task = submit("acme", null);
    awaitState(task.id(), TaskState.FAILED);
    tasks.repos.change(
        "acme",
        new RepoService.RepoPatch(
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.of("echo y > y.txt"),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty()));

    Task redone = tasks.engine.redo(task.id());
    Task done = awaitState(task.id(), TaskState.COMPLETED);

    assertThat(redone.generation()).isEqualTo(2);
    assertThat(done.branch()).contains("capstan/task-" + task.id() + "-2");
    assertThat(tasks.store.attempts(task.id()))
        .extracting(Attempt::branch, Attempt::outcome)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("capstan/task-" + task.id(), AttemptOutcome.FAILED),
            org.assertj.core.groups.Tuple.tuple(
                "capstan/task-" + task.id() + "-2", AttemptOutcome.SUCCEEDED));
    assertThat(
            TestRepos.git(
                Path.of(repo.path()), "ls-tree", "--name-only", "capstan/task-" + task.id() + "-2"))
        .contains("y.txt")
        .doesNotContain("x.txt");
  }

  @Test
  void retries_are_bounded_by_the_retry_limit() throws Exception {
    tasks.repo("acme", "exit 1");
    Task task = submit("acme", null);
    for (int i = 0; i < tasks.settings.retryLimit(); i++) {
      awaitState(task.id(), TaskState.FAILED);
      tasks.engine.retry(task.id());
    }
    awaitState(task.id(), TaskState.FAILED);

    assertThatThrownBy(() -> tasks.engine.retry(task.id()))
        .isInstanceOf(RetryLimit.class)
        .hasMessageContaining("retry limit");
    assertThat(tasks.store.attempts(task.id())).hasSize(tasks.settings.retryLimit() + 1);
  }

  @Test
  void a_restart_after_a_dead_daemon_kills_its_orphans_records_the_interruption_and_requeues()
      throws Exception {
    Path pidFile = dir.resolve("agent.pid");
    tasks.repo("acme", "echo $$ > " + pidFile + "; sleep 300");
    Task task = submit("acme", null);
    awaitState(task.id(), TaskState.RUNNING);
    await().atMost(WAIT).until(() -> Files.exists(pidFile) && Files.size(pidFile) > 0);
    long pid = Long.parseLong(Files.readString(pidFile).strip());
    Files.delete(pidFile);

    // The daemon dies: nothing is stopped, the agent keeps running.
    tasks.crashAndBoot();

    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true));
    List<Attempt> attempts = tasks.store.attempts(task.id());
    assertThat(attempts.getFirst().outcome()).isEqualTo(AttemptOutcome.INTERRUPTED);
    assertThat(attempts.getFirst().reason())
        .hasValueSatisfying(r -> assertThat(r).contains("re-queued, automatic retry 1 of 3"));
    assertThat(tasks.store.recentHealth(10))
        .extracting(event -> event.kind())
        .contains(HealthKind.ORPHAN_CLEANED, HealthKind.RESTARTED);
    awaitState(task.id(), TaskState.RUNNING);
    assertThat(tasks.engine.find(task.id()).autoRetries()).isEqualTo(1);
  }

  @Test
  void a_graceful_stop_kills_running_agents_and_requeues_their_tasks_for_the_next_start()
      throws Exception {
    Path pidFile = dir.resolve("agent.pid");
    tasks.repo("acme", "echo $$ > " + pidFile + "; sleep 300");
    Task task = submit("acme", null);
    awaitState(task.id(), TaskState.RUNNING);
    await().atMost(WAIT).until(() -> Files.exists(pidFile) && Files.size(pidFile) > 0);
    long pid = Long.parseLong(Files.readString(pidFile).strip());

    tasks.engine.stop();

    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true));
    Task stopped = tasks.engine.find(task.id());
    assertThat(stopped.state()).isEqualTo(TaskState.QUEUED);
    assertThat(stopped.autoRetries()).isZero();
    assertThat(tasks.store.attempts(task.id()).getFirst().outcome())
        .isEqualTo(AttemptOutcome.INTERRUPTED);
    assertThat(tasks.store.history(task.id()).getLast().trigger()).isEqualTo("shutdown");

    tasks.boot();

    Task again = awaitState(task.id(), TaskState.RUNNING);
    assertThat(again.attempt()).isEqualTo(2);
  }

  @Test
  void the_health_loop_requeues_a_task_whose_agent_has_no_supervisor() throws Exception {
    tasks.repo("acme", "sleep 300");
    tasks.engine.setGlobalLimit(1);
    Task task = submit("acme", null);
    awaitState(task.id(), TaskState.RUNNING);
    // The supervisor vanishes (as if its thread died) while the store still says running.
    Supervision.Supervised supervised = tasks.engine.supervision().find(task.id()).orElseThrow();
    tasks.engine.supervision().remove(supervised);
    supervised.markStopped();
    supervised.kill();

    tasks.health.runOnce();

    assertThat(tasks.store.recentHealth(10))
        .extracting(event -> event.kind())
        .contains(HealthKind.CRASHED);
    assertThat(tasks.store.attempts(task.id()).getFirst().outcome())
        .isEqualTo(AttemptOutcome.INTERRUPTED);
    awaitState(task.id(), TaskState.RUNNING);
  }

  @Test
  void cancel_all_active_cancels_queued_and_running_tasks() throws Exception {
    tasks.repo("acme", "sleep 300");
    tasks.engine.setGlobalLimit(1);
    Task running = submit("acme", null);
    awaitState(running.id(), TaskState.RUNNING);
    Task queued = submit("acme", null);

    List<Long> cancelled = tasks.engine.cancelAllActive();

    assertThat(cancelled).containsExactlyInAnyOrder(running.id(), queued.id());
    assertThat(tasks.engine.find(queued.id()).state()).isEqualTo(TaskState.CANCELLED);
    assertThat(tasks.engine.find(running.id()).state()).isEqualTo(TaskState.CANCELLED);
  }
}
