package dev.capstan.app;

import static dev.capstan.app.TaskFixture.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile and oversized input on the task routes: a prompt over 1 MiB is refused with a clear error
 * (by the CLI and by the API), a large one under the limit works, malformed bodies and unknown ids
 * get the one error shape, and nothing is lost or run by a shell.
 */
@LinuxOnly
class HostileInputScenarioIT {
  private static final int MIB = 1 << 20;

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
  void a_prompt_over_the_limit_is_refused_and_one_under_it_runs() throws Exception {
    fixture.repo("acme", "--agent", "command", "--command", "wc -c < \"$CAPSTAN_PROMPT_FILE\"");
    Path huge = Files.writeString(tempDir.resolve("huge.txt"), "x".repeat(MIB + 1));
    Path large = Files.writeString(tempDir.resolve("large.txt"), "y".repeat(900 * 1024));

    CliResult refused =
        capstan.run("task", "add", "--repo", "acme", "--prompt-file", huge.toString());
    DaemonHttp.Reply api;
    try (DaemonHttp http = capstan.http()) {
      api =
          http.authorized(
              "POST",
              "/api/tasks",
              capstan.token(),
              HttpRequest.BodyPublishers.ofString(
                  "{\"repo\":\"acme\",\"prompt\":\"" + "z".repeat(MIB + 10) + "\"}"));
    }
    JsonNode task =
        capstan.json("task", "add", "--repo", "acme", "--prompt-file", large.toString());
    JsonNode done = fixture.awaitSettled(task.path("id").asLong(), Duration.ofSeconds(30));

    assertError(refused, 2, "larger than the limit of 1048576 bytes");
    assertThat(api.status()).isIn(400, 413);
    assertThat(api.body())
        .contains("\"code\"")
        .containsAnyOf("PROMPT_TOO_LARGE", "PAYLOAD_TOO_LARGE");
    assertThat(done.path("state").asText()).isEqualTo("completed");
    assertThat(capstan.run("task", "logs", task.path("id").asText()).stdout().strip())
        .isEqualTo(Integer.toString(900 * 1024));
    assertThat(capstan.json("task", "list").path("tasks")).hasSize(1);
  }

  @Test
  void malformed_bodies_and_unknown_ids_get_the_one_error_shape() {
    fixture.repo("acme");
    capstan.run("daemon", "status").assertExit(0);

    try (DaemonHttp http = capstan.http()) {
      String token = capstan.token();
      DaemonHttp.Reply badJson =
          http.authorized("POST", "/api/tasks", token, HttpRequest.BodyPublishers.ofString("{"));
      DaemonHttp.Reply noPrompt =
          http.authorized(
              "POST",
              "/api/tasks",
              token,
              HttpRequest.BodyPublishers.ofString("{\"repo\":\"acme\"}"));
      DaemonHttp.Reply textId = http.authorized("GET", "/api/tasks/abc", token);
      DaemonHttp.Reply unknownId = http.authorized("GET", "/api/tasks/987654", token);
      DaemonHttp.Reply traversal = http.authorized("GET", "/api/repos/..%2F..%2Fetc", token);
      DaemonHttp.Reply badRepo =
          http.authorized(
              "POST",
              "/api/repos",
              token,
              HttpRequest.BodyPublishers.ofString(
                  "{\"source\":\"" + tempDir + "\",\"name\":\"../x\"}"));

      assertThat(badJson.status()).isEqualTo(400);
      assertThat(noPrompt.status()).isEqualTo(400);
      assertThat(textId.status()).isEqualTo(404);
      assertThat(unknownId.status()).isEqualTo(404);
      assertThat(traversal.status()).isIn(400, 404);
      assertThat(badRepo.status()).isEqualTo(400);
      for (DaemonHttp.Reply reply :
          new DaemonHttp.Reply[] {badJson, noPrompt, textId, unknownId, badRepo}) {
        assertThat(reply.body()).as("%s", reply).contains("\"error\"", "\"code\"", "\"message\"");
      }
    }
    assertThat(capstan.json("task", "list").path("tasks")).isEmpty();
  }

  @Test
  void a_prompt_with_nul_and_control_characters_is_kept_and_shown_safely() {
    fixture.repo("acme", "--agent", "command", "--command", "true");
    String prompt = "bell\u0007 escape\u001b[31mred\u001b[0m\r\nnext";

    JsonNode task = capstan.json("task", "add", "--repo", "acme", "--title", "t\u001b[2Jx", prompt);
    CliResult list = capstan.run("task", "list");
    CliResult show = capstan.run("task", "show", task.path("id").asText());

    assertThat(task.path("prompt").asText()).isEqualTo(prompt);
    assertThat(list.stdout()).doesNotContain("\u001b").contains("t\\u001b[2Jx");
    assertThat(show.stdout()).doesNotContain("\u001b").doesNotContain("\u0007");
    assertThat(new String(show.stdout().getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8))
        .contains("\\r\\n");
  }
}
