package dev.capstan.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.capstan.llm.testing.LlmScript;
import dev.capstan.llm.testing.ScriptedLlmServer;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built-in agent as a task agent through the real jar, against a scripted OpenAI-compatible
 * server: a task whose model writes a file completes with the file committed on its branch; a task
 * whose model wants to run a command waits for an approval, shows it as its {@code pendingReason}
 * in {@code task list} and {@code task show}, and completes once {@code capstan approve} answers.
 */
@LinuxOnly
class BuiltinTaskScenarioIT {
  private static final Duration RUN = Duration.ofSeconds(60);

  @TempDir Path tempDir;

  private ScriptedLlmServer llm;
  private CapstanHarness capstan;
  private TaskFixture fixture;

  @BeforeEach
  void start() {
    llm = ScriptedLlmServer.start().models("local-model");
    capstan =
        new CapstanHarness(tempDir.resolve("world"))
            .withEnv("CAPSTAN_LLM_URL", llm.baseUrl().toString())
            .withEnv("CAPSTAN_LLM_MAX_RETRIES", "0")
            .withEnv("CAPSTAN_TOOLS_POLICY_WRITE_FILE", "allow")
            .withEnv("CAPSTAN_TOOLS_POLICY_RUN_COMMAND", "ask");
    fixture = new TaskFixture(capstan, tempDir.resolve("src"));
  }

  @AfterEach
  void stop() {
    llm.releaseStalls();
    capstan.close();
    llm.close();
  }

  private long builtinTask(String repo, String prompt) {
    return capstan
        .json("task", "add", "--repo", repo, "--agent", "builtin", prompt)
        .path("id")
        .asLong();
  }

  @Test
  void a_builtin_task_writes_a_file_and_completes_with_it_committed_on_its_branch() {
    Path repo = fixture.repo("acme");
    String mainBefore = GitRepos.head(repo, "main");
    llm.enqueue(
        LlmScript.callTool(
            "call_1", "write_file", "{\"path\":\"NOTES.md\",\"content\":\"from the model\\n\"}"));
    llm.enqueue(LlmScript.reply("I wrote NOTES.md."));

    long id = builtinTask("acme", "write the notes");
    JsonNode task = fixture.awaitSettled(id, RUN);

    assertThat(task.path("state").asText()).as("task %s", task).isEqualTo("completed");
    assertThat(task.path("agent").asText()).isEqualTo("builtin");
    assertThat(task.path("branch").asText()).isEqualTo("capstan/task-" + id);
    assertThat(GitRepos.git(repo, "show", "capstan/task-" + id + ":NOTES.md"))
        .isEqualTo("from the model\n");
    assertThat(GitRepos.head(repo, "capstan/task-" + id + "~1")).isEqualTo(mainBefore);
    assertThat(GitRepos.status(repo)).isEmpty();
    CliResult logs = capstan.run("task", "logs", String.valueOf(id));
    logs.assertExit(0);
    assertThat(logs.stdout())
        .contains("[tool] write_file", "[tool] write_file -> ok", "I wrote NOTES.md.");
  }

  @Test
  void a_command_waits_for_approval_as_the_pending_reason_and_approving_completes_the_task() {
    Path repo = fixture.repo("acme");
    llm.enqueue(
        LlmScript.callTool("call_1", "run_command", "{\"command\":\"echo ran > RAN.txt\"}"));
    llm.enqueue(LlmScript.reply("The command ran."));

    long id = builtinTask("acme", "run the command");
    JsonNode waiting =
        await("task " + id + " waiting for an approval")
            .atMost(RUN)
            .pollInterval(Duration.ofMillis(100))
            .until(
                () -> fixture.task(id),
                t ->
                    !t.path("pendingReason").isMissingNode()
                        && t.path("pendingReason").asText().startsWith("waiting for approval "));
    String reason = waiting.path("pendingReason").asText();
    JsonNode approvals = capstan.json("approvals", "list");
    assertThat(approvals).hasSize(1);
    String approvalId = approvals.get(0).path("id").asText();
    assertThat(reason).isEqualTo("waiting for approval " + approvalId + " (run_command)");
    assertThat(waiting.path("state").asText()).isEqualTo("running");

    CliResult list = capstan.run("task", "list");
    list.assertExit(0);
    assertThat(list.stdout()).contains(String.valueOf(id), "running", reason);
    CliResult show = capstan.run("task", "show", String.valueOf(id));
    show.assertExit(0);
    assertThat(show.stdout()).contains("waiting:    " + reason);

    capstan.run("approve", approvalId).assertExit(0);
    JsonNode task = fixture.awaitSettled(id, RUN);

    assertThat(task.path("state").asText()).as("task %s", task).isEqualTo("completed");
    assertThat(task.path("pendingReason").isMissingNode() || task.path("pendingReason").isNull())
        .as("pendingReason of %s", task)
        .isTrue();
    assertThat(GitRepos.git(repo, "show", "capstan/task-" + id + ":RAN.txt")).isEqualTo("ran\n");
    CliResult logs = capstan.run("task", "logs", String.valueOf(id));
    logs.assertExit(0);
    assertThat(logs.stdout())
        .contains(
            "[approval] " + reason,
            "[tool] run_command",
            "[tool] run_command -> ok",
            "The command ran.");
  }
}
