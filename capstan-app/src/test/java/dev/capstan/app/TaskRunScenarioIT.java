package dev.capstan.app;

import static dev.capstan.app.TaskFixture.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A task with the command agent on a real repository: its own worktree on {@code
 * capstan/task-<id>}, output in {@code task logs}, changes committed on the kept branch, the user's
 * checkout untouched; a failing command fails the task with its exit code, and retry runs it again
 * as a new attempt.
 */
@LinuxOnly
class TaskRunScenarioIT {
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
  void a_command_task_runs_in_its_own_worktree_and_commits_on_its_branch() throws Exception {
    Path repo = fixture.repo("acme");
    String mainBefore = GitRepos.head(repo, "main");

    long id =
        fixture.commandTask(
            "acme",
            "echo working on it; echo done > result.txt; printf 'line two\\n'",
            "write the result");
    CliResult follow = capstan.run("task", "logs", String.valueOf(id), "-f");
    JsonNode task = fixture.awaitSettled(id, RUN);

    follow.assertExit(0);
    assertThat(follow.stdout()).isEqualTo("working on it\nline two\n");
    assertThat(task.path("state").asText()).isEqualTo("completed");
    assertThat(task.path("branch").asText()).isEqualTo("capstan/task-" + id);
    JsonNode attempt = task.path("attempts").get(0);
    assertThat(attempt.path("outcome").asText()).isEqualTo("succeeded");
    assertThat(attempt.path("exitCode").asInt()).isZero();
    assertThat(attempt.path("diffstat").path("files").asInt()).isEqualTo(1);
    assertThat(GitRepos.branches(repo)).contains("capstan/task-" + id);
    assertThat(GitRepos.git(repo, "show", "capstan/task-" + id + ":result.txt"))
        .isEqualTo("done\n");
    assertThat(GitRepos.head(repo, "capstan/task-" + id + "~1")).isEqualTo(mainBefore);
    // The user's checkout: same branch, same commit, no new files.
    assertThat(GitRepos.head(repo, "HEAD")).isEqualTo(mainBefore);
    assertThat(GitRepos.git(repo, "branch", "--show-current").strip()).isEqualTo("main");
    assertThat(GitRepos.status(repo)).isEmpty();
    assertThat(repo.resolve("result.txt")).doesNotExist();
    Path workspace = Path.of(task.path("workspace").asText());
    assertThat(workspace).startsWith(capstan.home());
    // Logs after the fact print the same text.
    CliResult logs = capstan.run("task", "logs", String.valueOf(id));
    logs.assertExit(0);
    assertThat(logs.stdout()).isEqualTo("working on it\nline two\n");
    CliResult list = capstan.run("task", "list", "--state", "completed");
    assertThat(list.stdout()).contains(String.valueOf(id), "completed", "acme");
  }

  @Test
  void the_prompt_reaches_the_agent_verbatim_and_is_never_run_by_a_shell() throws Exception {
    fixture.repo("acme");
    Path marker = tempDir.resolve("pwned");
    String prompt =
        "He said \"don't\" and 'left'\n$(touch "
            + marker
            + ") `touch "
            + marker
            + "` ; touch "
            + marker
            + "\n\ttabbed ünïcödé ✓";

    long id = fixture.commandTask("acme", "printf '%s' \"$CAPSTAN_PROMPT\" > prompt.txt", prompt);
    JsonNode task = fixture.awaitSettled(id, RUN);

    assertThat(task.path("state").asText()).isEqualTo("completed");
    assertThat(task.path("prompt").asText()).isEqualTo(prompt);
    assertThat(
            GitRepos.git(tempDir.resolve("src/acme"), "show", "capstan/task-" + id + ":prompt.txt"))
        .isEqualTo(prompt);
    assertThat(marker).doesNotExist();
  }

  @Test
  void a_prompt_from_stdin_and_from_a_file_is_taken_whole() throws Exception {
    fixture.repo("acme", "--agent", "command", "--command", "true");
    String prompt = "first line\nsecond \"line\"\n";
    Path file = Files.writeString(tempDir.resolve("prompt.md"), prompt);

    JsonNode fromStdin =
        parse(
            capstan
                .runWithInput(
                    prompt.getBytes(StandardCharsets.UTF_8),
                    "task",
                    "add",
                    "--repo",
                    "acme",
                    "--json",
                    "-")
                .assertExit(0));
    JsonNode fromFile =
        capstan.json("task", "add", "--repo", "acme", "--prompt-file", file.toString());

    assertThat(fromStdin.path("prompt").asText()).isEqualTo(prompt);
    assertThat(fromFile.path("prompt").asText()).isEqualTo(prompt);
    assertThat(fromFile.path("agent").asText()).isEqualTo("command");
  }

  @Test
  void a_failing_command_fails_the_task_and_retry_runs_a_new_attempt() throws Exception {
    Path repo = fixture.repo("acme");
    Path flag = tempDir.resolve("second-time");

    long id =
        fixture.commandTask(
            "acme",
            "if [ -e '" + flag + "' ]; then echo fixed; else echo broken >&2; exit 3; fi",
            "fail once");
    CliResult follow = capstan.run("task", "logs", String.valueOf(id), "-f");
    JsonNode failed = fixture.awaitSettled(id, RUN);
    Files.writeString(flag, "yes");
    CliResult retry = capstan.run("task", "retry", String.valueOf(id));
    JsonNode completed = fixture.awaitState(id, RUN, "completed", "failed");

    assertError(follow, 9, "Task " + id + " ended failed", "task retry " + id);
    assertThat(follow.stdout()).contains("broken");
    assertThat(failed.path("state").asText()).isEqualTo("failed");
    assertThat(failed.path("attempts").get(0).path("exitCode").asInt()).isEqualTo(3);
    assertThat(failed.path("attempts").get(0).path("reason").asText()).isNotBlank();
    retry.assertExit(0);
    assertThat(completed.path("state").asText()).isEqualTo("completed");
    assertThat(completed.path("attempts")).hasSize(2);
    assertThat(completed.path("attempts").get(0).path("outcome").asText()).isEqualTo("failed");
    assertThat(completed.path("attempts").get(1).path("outcome").asText()).isEqualTo("succeeded");
    CliResult show = capstan.run("task", "show", String.valueOf(id));
    assertThat(show.stdout()).contains("failed", "succeeded", "History:");
    assertThat(GitRepos.status(repo)).isEmpty();
  }

  @Test
  void logs_follow_survives_a_daemon_crash_without_losing_or_repeating_text() throws Exception {
    fixture.repo("acme");
    Path go = tempDir.resolve("go");
    // why: the first attempt holds after line 3 until the daemon was crashed, however slow the
    // machine; the attempt after the restart finds the flag and runs through.
    long id =
        fixture.commandTask(
            "acme",
            "for i in 1 2 3; do echo \"line $i\"; done; while [ ! -e '"
                + go
                + "' ]; do sleep 0.05; done; for i in $(seq 4 30); do echo \"line $i\"; done",
            "count");
    CapstanHarness.Running follow = capstan.launch("task", "logs", String.valueOf(id), "-f");
    org.awaitility.Awaitility.await("follower printed some lines")
        .atMost(RUN)
        .until(() -> follow.stdout().contains("line 3\n"));

    capstan.crash(capstan.manifest().pid());
    Files.writeString(go, "go");
    CliResult followed = follow.awaitExit();
    CliResult stored = capstan.run("task", "logs", String.valueOf(id));

    followed.assertExit(0);
    assertThat(followed.stderr()).contains("reconnecting");
    assertThat(fixture.task(id).path("attempts").size()).isGreaterThanOrEqualTo(2);
    assertThat(followed.stdout()).isEqualTo(stored.stdout()).endsWith("line 30\n");
  }

  private static JsonNode parse(CliResult result) {
    try {
      return new com.fasterxml.jackson.databind.ObjectMapper().readTree(result.stdout());
    } catch (java.io.IOException e) {
      throw new AssertionError(result.toString(), e);
    }
  }
}
