package dev.capstan.app;

import static dev.capstan.app.TaskFixture.assertError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.capstan.time.Stopwatch;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Steering tasks: cancel stops the whole process tree within 5 seconds and nothing is committed
 * afterwards; bulk cancel clears the queue; run and provisioning timeouts fail an attempt with a
 * clear reason; a fixed setup plus retry recovers a task stuck in provisioning; force restart and
 * force redo add attempts and keep the old ones.
 */
@LinuxOnly
class TaskControlScenarioIT {
  private static final Duration RUN = Duration.ofSeconds(30);

  @TempDir Path tempDir;

  private CapstanHarness capstan;
  private TaskFixture fixture;

  @BeforeEach
  void createHarness() {
    capstan = new CapstanHarness(tempDir.resolve("world"));
    fixture = new TaskFixture(capstan, tempDir.resolve("src"));
  }

  @AfterEach
  void cleanUp() {
    capstan.close();
  }

  @Test
  void cancel_kills_a_grandchild_within_five_seconds_and_never_commits() {
    Path repo = fixture.repo("acme");
    // The agent starts a shell that starts a sleep (a grandchild), and would commit a file if
    // it ever got past the sleep.
    long id =
        fixture.commandTask(
            "acme",
            "echo started; sh -c 'sleep 600; echo late > late.txt'; echo after > after.txt",
            "wait");
    await("grandchild sleep running")
        .atMost(RUN)
        .until(
            () ->
                fixture.processesOf(id).stream().anyMatch(pid -> ProcFs.comm(pid).equals("sleep")));
    List<Long> tree = fixture.processesOf(id);

    // why: timed over HTTP, so the figure is Capstan's cancel and not a CLI JVM's start on a
    // loaded machine; the CLI's cancel is exercised right after.
    Stopwatch cancelling = Stopwatch.start();
    JsonNode cancel = capstan.api("POST", "/api/tasks/" + id + "/cancel", null);
    await("process tree of task " + id + " gone")
        .atMost(Duration.ofSeconds(5))
        .until(() -> tree.stream().noneMatch(ProcFs::isLive));
    Duration took = cancelling.elapsed();
    JsonNode task = fixture.awaitSettled(id, RUN);
    CliResult again = capstan.run("task", "cancel", String.valueOf(id));

    assertThat(cancel.path("id").asLong()).isEqualTo(id);
    assertThat(took).isLessThan(Duration.ofSeconds(5));
    assertThat(task.path("state").asText()).isEqualTo("cancelled");
    assertThat(task.path("attempts").get(0).path("outcome").asText()).isEqualTo("cancelled");
    assertThat(
            task.path("attempts").get(0).path("commit").isNull()
                || task.path("attempts").get(0).path("commit").isMissingNode())
        .isTrue();
    again.assertExit(0);
    assertThat(again.stdout()).contains("cancelled");
    // Nothing happens afterwards: no commit on the branch, the state stays.
    String mainHead = GitRepos.head(repo, "main");
    List<String> branches = GitRepos.branches(repo);
    if (branches.contains("capstan/task-" + id)) {
      assertThat(GitRepos.head(repo, "capstan/task-" + id)).isEqualTo(mainHead);
    }
    assertThat(fixture.state(id)).isEqualTo("cancelled");
    assertThat(fixture.processesOf(id)).isEmpty();
  }

  @Test
  void cancel_all_active_clears_queued_provisioning_and_running_tasks() {
    fixture.repo("acme", "--max-concurrent", "1");
    long running = fixture.commandTask("acme", "sleep 600", "one");
    long queued = fixture.commandTask("acme", "sleep 600", "two");
    fixture.awaitState(running, RUN, "running");

    CliResult cancel = capstan.run("task", "cancel", "--all-active");

    cancel.assertExit(0);
    assertThat(cancel.stdout()).contains("Cancelled 2 task(s)");
    assertThat(fixture.awaitSettled(running, RUN).path("state").asText()).isEqualTo("cancelled");
    assertThat(fixture.awaitSettled(queued, RUN).path("state").asText()).isEqualTo("cancelled");
    await("agents gone")
        .atMost(Duration.ofSeconds(5))
        .until(() -> capstan.agentProcesses().isEmpty());
    CliResult none = capstan.run("task", "cancel", "--all-active");
    assertThat(none.stdout()).contains("No active tasks");
  }

  @Test
  void a_run_timeout_fails_the_attempt_with_a_clear_reason() {
    fixture.repo("acme");
    capstan.run("repo", "set", "acme", "--run-timeout", "2s").assertExit(0);

    long id = fixture.commandTask("acme", "sleep 600", "never ends");
    JsonNode task = fixture.awaitSettled(id, RUN);

    assertThat(task.path("state").asText()).isEqualTo("failed");
    JsonNode attempt = task.path("attempts").get(0);
    assertThat(attempt.path("outcome").asText()).isEqualTo("timed_out");
    assertThat(attempt.path("reason").asText())
        .containsIgnoringCase("timeout")
        .containsAnyOf("2s", "PT2S");
    assertThat(fixture.processesOf(id)).isEmpty();
    CliResult show = capstan.run("task", "show", String.valueOf(id));
    assertThat(show.stdout()).contains("timed_out");
  }

  @Test
  void stuck_provisioning_times_out_and_retry_works_once_setup_is_fixed() {
    fixture.repo("acme", "--setup", "sleep 1000");
    capstan.run("repo", "set", "acme", "--provision-timeout", "2s").assertExit(0);

    long id = fixture.commandTask("acme", "echo ran", "needs setup");
    fixture.awaitState(id, RUN, "provisioning");
    JsonNode failed = fixture.awaitSettled(id, RUN);
    CliResult fix = capstan.run("repo", "set", "acme", "--setup", "true");
    CliResult retry = capstan.run("task", "retry", String.valueOf(id));
    JsonNode done = fixture.awaitState(id, RUN, "completed", "failed");

    assertThat(failed.path("state").asText()).isEqualTo("failed");
    JsonNode first = failed.path("attempts").get(0);
    assertThat(first.path("outcome").asText()).isEqualTo("timed_out");
    assertThat(first.path("reason").asText())
        .containsIgnoringCase("provision")
        .containsAnyOf("2s", "PT2S");
    assertThat(fixture.processesOf(id)).isEmpty();
    fix.assertExit(0);
    retry.assertExit(0);
    assertThat(done.path("state").asText()).isEqualTo("completed");
    assertThat(done.path("attempts")).hasSize(2);
    assertThat(capstan.run("task", "logs", String.valueOf(id)).stdout()).contains("ran");
  }

  @Test
  void restart_keeps_the_worktree_and_redo_starts_over_both_keeping_old_attempts()
      throws Exception {
    Path repo = fixture.repo("acme");
    Path flag = tempDir.resolve("may-succeed");
    long id =
        fixture.commandTask(
            "acme",
            "echo \"attempt $CAPSTAN_ATTEMPT\" >> attempts.txt; cat attempts.txt; [ -e '"
                + flag
                + "' ]",
            "append");
    JsonNode failed = fixture.awaitSettled(id, RUN);

    CliResult restart = capstan.run("task", "restart", String.valueOf(id));
    JsonNode restarted = awaitAttempts(id, 2);
    java.nio.file.Files.writeString(flag, "yes");
    CliResult redo = capstan.run("task", "redo", String.valueOf(id));
    JsonNode redone = awaitAttempts(id, 3);

    assertThat(failed.path("state").asText()).isEqualTo("failed");
    restart.assertExit(0);
    assertThat(restart.stdout()).contains("existing branch");
    // Restart: a fresh agent in the same worktree on the same branch, which still holds the
    // first attempt's work.
    assertThat(restarted.path("state").asText()).isEqualTo("failed");
    assertThat(restarted.path("attempts").get(1).path("branch").asText())
        .isEqualTo(failed.path("attempts").get(0).path("branch").asText());
    redo.assertExit(0);
    // Redo: a new branch and worktree from main; the old attempts stay listed.
    assertThat(redone.path("state").asText()).isEqualTo("completed");
    assertThat(
            StreamSupport.stream(redone.path("attempts").spliterator(), false)
                .map(attempt -> attempt.path("outcome").asText()))
        .containsExactly("failed", "failed", "succeeded");
    String redoBranch = redone.path("attempts").get(2).path("branch").asText();
    assertThat(redoBranch).isNotEqualTo(failed.path("attempts").get(0).path("branch").asText());
    assertThat(GitRepos.git(repo, "show", redoBranch + ":attempts.txt")).isEqualTo("attempt 3\n");
    assertThat(GitRepos.branches(repo))
        .contains(failed.path("attempts").get(0).path("branch").asText(), redoBranch);
    CliResult logs = capstan.run("task", "logs", String.valueOf(id));
    assertThat(logs.stdout()).isEqualTo("attempt 1\nattempt 1\nattempt 2\nattempt 3\n");
    assertThat(logs.stderr()).contains("--- attempt 1", "--- attempt 2", "--- attempt 3");
  }

  @Test
  void force_restart_of_a_running_task_stops_it_and_runs_a_fresh_agent() {
    fixture.repo("acme");
    long id = fixture.commandTask("acme", "echo \"run $CAPSTAN_ATTEMPT\"; sleep 600", "stuck");
    await("first agent running")
        .atMost(RUN)
        .until(() -> !fixture.processesOf(id).isEmpty() && fixture.state(id).equals("running"));
    List<Long> first = fixture.processesOf(id);

    CliResult restart = capstan.run("task", "restart", String.valueOf(id));
    JsonNode task = awaitAttemptRunning(id, 2);

    restart.assertExit(0);
    await("first agent gone")
        .atMost(Duration.ofSeconds(5))
        .until(() -> first.stream().noneMatch(ProcFs::isLive));
    assertThat(task.path("attempts").get(0).path("outcome").asText())
        .isIn("interrupted", "cancelled");
  }

  private JsonNode awaitAttemptRunning(long id, int count) {
    JsonNode[] last = new JsonNode[1];
    await("task " + id + " running attempt " + count)
        .atMost(RUN)
        .until(
            () -> {
              last[0] = fixture.task(id);
              return last[0].path("attempts").size() >= count
                  && last[0].path("state").asText().equals("running");
            });
    return last[0];
  }

  @Test
  void unknown_ids_and_invalid_transitions_get_clear_errors() {
    fixture.repo("acme");
    long id = fixture.commandTask("acme", "true", "quick");
    fixture.awaitState(id, RUN, "completed");

    assertError(capstan.run("task", "show", "999999"), 8, "999999");
    assertError(capstan.run("task", "logs", "999999", "-f"), 8, "999999");
    assertError(capstan.run("task", "cancel", "abc"), 8, "abc");
    assertError(capstan.run("task", "retry", "../1"), 8, "task ids are whole numbers");
    assertError(capstan.run("task", "cancel", String.valueOf(id)), 1, "completed");
    assertError(capstan.run("task", "retry", String.valueOf(id)), 1, "completed");
    assertError(
        capstan.run(
            "task", "add", "--repo", "ghost", "--agent", "command", "--command", "true", "x"),
        8,
        "ghost");
    assertError(
        capstan.run("task", "add", "--repo", "acme", "--agent", "command", "x"), 1, "command");
    assertError(
        capstan.run("task", "add", "--repo", "acme", "--agent", "telepathy", "x"), 1, "telepathy");
  }

  private JsonNode awaitAttempts(long id, int count) {
    JsonNode[] last = new JsonNode[1];
    await("task " + id + " with " + count + " settled attempts")
        .atMost(RUN)
        .until(
            () -> {
              last[0] = fixture.task(id);
              return last[0].path("attempts").size() >= count
                  && TaskFixture.SETTLED.contains(last[0].path("state").asText());
            });
    return last[0];
  }
}
