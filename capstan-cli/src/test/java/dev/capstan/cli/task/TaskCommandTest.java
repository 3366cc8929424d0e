package dev.capstan.cli.task;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.capstan.cli.ContractServer;
import dev.capstan.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TaskCommandTest {
  private static final String QUEUED =
      """
      {"id":42,"repo":"acme","title":null,"prompt":"fix it\\nplease","state":"queued",
       "pendingReason":"repo limit 2/2 (acme)","agent":"command","command":"make fmt",
       "priority":0,"branch":"capstan/task-42","workspace":null,"retries":0,"attempts":[],
       "history":[],"createdAt":"2026-01-01T00:00:00Z","updatedAt":"2026-01-01T00:00:01Z"}
      """;

  private static final String FAILED =
      """
      {"id":7,"repo":"acme","title":"Format","prompt":"fmt","state":"failed",
       "pendingReason":null,"agent":"command","command":"make fmt","priority":5,
       "branch":"capstan/task-7","workspace":"/h/worktrees/acme/task-7","retries":1,
       "attempts":[{"number":1,"agent":"command","workspace":"/h/worktrees/acme/task-7",
         "branch":"capstan/task-7","startedAt":"2026-01-01T00:00:00Z",
         "endedAt":"2026-01-01T00:00:05Z","exitCode":null,"outcome":"timed_out",
         "reason":"provisioning took longer than 30s (setup: sleep 1000)","diffstat":null,
         "commit":null},
        {"number":2,"agent":"command","workspace":"/h/worktrees/acme/task-7",
         "branch":"capstan/task-7","startedAt":"2026-01-01T00:01:00Z",
         "endedAt":"2026-01-01T00:01:05Z","exitCode":2,"outcome":"failed",
         "reason":"exit status 2","diffstat":{"files":1,"insertions":3,"deletions":0},
         "commit":"0123456789abcdef"}],
       "history":[{"at":"2026-01-01T00:00:00Z","from":null,"to":"queued","trigger":"api",
         "message":"created"}],
       "createdAt":"2026-01-01T00:00:00Z","updatedAt":"2026-01-01T00:01:05Z"}
      """;

  private final ContractServer server = new ContractServer();

  @AfterEach
  void close() {
    server.close();
  }

  @Test
  void add_sends_the_prompt_verbatim_and_shows_why_it_waits() throws Exception {
    server.on("POST", "/api/tasks", 201, QUEUED);
    String hostile = "say \"hi\" and 'bye'\n$(touch pwned) `id` ; rm -rf /";

    ContractServer.Run run =
        server.run(
            "task", "add", "--repo", "acme", "--agent", "command", "--priority", "3", hostile);

    assertThat(run.exit()).as(run.err()).isZero();
    JsonNode body = Json.mapper().readTree(server.requests().getFirst().body());
    assertThat(body.path("prompt").asText()).isEqualTo(hostile);
    assertThat(body.path("repo").asText()).isEqualTo("acme");
    assertThat(body.path("priority").asInt()).isEqualTo(3);
    assertThat(body.has("title")).isFalse();
    assertThat(run.out()).contains("Queued task 42 on acme", "Waiting: repo limit 2/2 (acme)");
  }

  @Test
  void add_reads_the_prompt_from_a_file(@TempDir Path dir) throws Exception {
    server.on("POST", "/api/tasks", 201, QUEUED);
    Path file = dir.resolve("prompt.md");
    Files.writeString(file, "line one\nline two\n");

    ContractServer.Run run =
        server.run("task", "add", "--repo", "acme", "--prompt-file", file.toString());

    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(Json.mapper().readTree(server.requests().getFirst().body()).path("prompt").asText())
        .isEqualTo("line one\nline two\n");
  }

  @Test
  void prompt_sources_are_exclusive_and_one_is_required(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("p"), "x");

    ContractServer.Run both =
        server.run("task", "add", "--repo", "acme", "--prompt-file", file.toString(), "also");
    ContractServer.Run none = server.run("task", "add", "--repo", "acme");
    ContractServer.Run blank = server.run("task", "add", "--repo", "acme", "  \n");

    assertThat(both.exit()).isEqualTo(2);
    assertThat(both.err()).contains("not both");
    assertThat(none.exit()).isEqualTo(2);
    assertThat(none.err()).contains("Missing the prompt");
    assertThat(blank.exit()).isEqualTo(2);
    assertThat(server.requests()).isEmpty();
  }

  @Test
  void a_prompt_over_one_mib_is_refused_before_sending(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("huge");
    Files.write(file, new byte[(1 << 20) + 1]);
    Path notUtf8 = Files.write(dir.resolve("latin1"), new byte[] {(byte) 0xe9, 'a'});

    ContractServer.Run huge =
        server.run("task", "add", "--repo", "acme", "--prompt-file", file.toString());
    ContractServer.Run bad =
        server.run("task", "add", "--repo", "acme", "--prompt-file", notUtf8.toString());

    assertThat(huge.exit()).isEqualTo(2);
    assertThat(huge.err()).contains("larger than the limit of 1048576 bytes");
    assertThat(bad.exit()).isEqualTo(2);
    assertThat(bad.err()).contains("not valid UTF-8");
    assertThat(server.requests()).isEmpty();
  }

  @Test
  void list_filters_by_state_and_repo_and_shows_the_pending_reason() {
    server.on(
        "GET",
        "/api/tasks?limit=100&state=queued,running&repo=acme",
        200,
        "{\"tasks\":[" + QUEUED + "]}");

    ContractServer.Run run =
        server.run("task", "list", "--state", "queued,RUNNING", "--repo", "acme");

    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.out()).contains("WAITING", "repo limit 2/2 (acme)");
    // why: a prompt's newline must not break the one-row-per-task table.
    assertThat(run.out()).contains("fix it").doesNotContain("\nplease");
    assertThat(run.out().lines()).hasSize(2);
  }

  @Test
  void an_unknown_state_is_a_usage_error_naming_the_states() {
    ContractServer.Run run = server.run("task", "list", "--state", "stuck");

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).contains("Unknown state 'stuck'", "needs_attention");
    assertThat(server.requests()).isEmpty();
  }

  @Test
  void show_lists_attempts_with_outcome_reason_and_changes() {
    server.on("GET", "/api/tasks/7", 200, FAILED);

    ContractServer.Run run = server.run("task", "show", "7");

    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.out())
        .contains("state:", "failed")
        .contains("timed_out", "provisioning took longer than 30s (setup: sleep 1000)")
        .contains("1 files +3 -0 0123456789")
        .contains("History:", "created");
  }

  @Test
  void ids_that_are_not_numbers_are_not_found_without_a_request() {
    for (String id : new String[] {"abc", "-1", "0", "1/../2", "42; rm -rf /", ""}) {
      ContractServer.Run run = server.run("task", "show", id);

      assertThat(run.exit()).as(id).isEqualTo(8);
      assertThat(run.err()).as(id).contains("task ids are whole numbers");
    }
    assertThat(server.requests()).isEmpty();
  }

  @Test
  void an_unknown_task_is_exit_8_with_the_daemons_message() {
    server.on(
        "POST",
        "/api/tasks/999/retry",
        404,
        "{\"error\":{\"code\":\"NOT_FOUND\",\"message\":\"No task 999.\",\"hint\":\"List them.\"}}");

    ContractServer.Run run = server.run("task", "retry", "999");

    assertThat(run.exit()).isEqualTo(8);
    assertThat(run.err()).contains("No task 999.", "hint: List them.");
  }

  @Test
  void an_invalid_transition_is_a_failure_naming_the_state() {
    server.on(
        "POST",
        "/api/tasks/7/cancel",
        409,
        "{\"error\":{\"code\":\"INVALID_TRANSITION\",\"message\":\"Task 7 is completed; it"
            + " cannot be cancelled.\",\"hint\":\"\"}}");

    ContractServer.Run run = server.run("task", "cancel", "7");

    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.err()).contains("Task 7 is completed");
  }

  @Test
  void cancel_all_active_reports_the_ids() {
    server.on("POST", "/api/tasks/cancel-active", 200, "{\"cancelled\":[3,4,5]}");

    ContractServer.Run run = server.run("task", "cancel", "--all-active");

    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.out()).contains("Cancelled 3 task(s): 3, 4, 5");
  }

  @Test
  void cancel_needs_exactly_one_of_an_id_and_all_active() {
    ContractServer.Run both = server.run("task", "cancel", "3", "--all-active");
    ContractServer.Run none = server.run("task", "cancel");

    assertThat(both.exit()).isEqualTo(2);
    assertThat(none.exit()).isEqualTo(2);
    assertThat(server.requests()).isEmpty();
  }

  @Test
  void restart_and_redo_post_to_their_routes() {
    server.on("POST", "/api/tasks/7/restart", 200, FAILED);
    server.on("POST", "/api/tasks/7/redo", 200, FAILED);

    ContractServer.Run restart = server.run("task", "restart", "7");
    ContractServer.Run redo = server.run("task", "redo", "#7");

    assertThat(restart.exit()).isZero();
    assertThat(restart.out()).contains("existing branch");
    assertThat(redo.exit()).isZero();
    assertThat(redo.out()).contains("from the base branch");
    assertThat(server.requests())
        .extracting(ContractServer.Request::path)
        .containsExactly("/api/tasks/7/restart", "/api/tasks/7/redo");
  }

  @Test
  void logs_print_the_output_text_exactly() {
    server.on("GET", "/api/tasks/42", 200, QUEUED);
    server.on(
        "GET",
        "/api/events?stream=task%2F42&afterSeq=0&limit=1000",
        200,
        """
        {"events":[
          {"v":1,"stream":"task/42","seq":1,"type":"task.state","ts":"t","data":{"to":"running"}},
          {"v":1,"stream":"task/42","seq":2,"type":"task.output","ts":"t","data":{"text":"hello "}},
          {"v":1,"stream":"task/42","seq":3,"type":"task.output","ts":"t","data":{"text":"world\\nbye\\n"}}
        ]}
        """);

    ContractServer.Run run = server.run("task", "logs", "42");

    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.out()).isEqualTo("hello world\nbye\n");
  }

  @Test
  void a_rejected_token_is_exit_7() {
    server.on(
        "GET",
        "/api/tasks?limit=100",
        401,
        "{\"error\":{\"code\":\"UNAUTHORIZED\",\"message\":\"Wrong token.\",\"hint\":\"\"}}");

    ContractServer.Run run = server.run("task", "list");

    assertThat(run.exit()).isEqualTo(7);
  }

  @Test
  void every_command_has_help() {
    for (String[] command :
        new String[][] {
          {"task", "--help"},
          {"task", "add", "--help"},
          {"task", "list", "--help"},
          {"task", "show", "--help"},
          {"task", "logs", "--help"},
          {"task", "cancel", "--help"},
          {"task", "retry", "--help"},
          {"task", "restart", "--help"},
          {"task", "redo", "--help"},
          {"repo", "--help"},
          {"repo", "add", "--help"},
          {"repo", "list", "--help"},
          {"repo", "show", "--help"},
          {"repo", "set", "--help"},
          {"repo", "rm", "--help"},
          {"limits", "--help"},
          {"limits", "set", "--help"},
          {"cluster", "--help"},
          {"gc", "--help"}
        }) {
      ContractServer.Run run = server.run(command);

      assertThat(run.exit()).as(String.join(" ", command)).isZero();
      assertThat(run.out()).as(String.join(" ", command)).contains("Usage: capstan");
    }
    assertThat(server.requests()).isEmpty();
  }
}
