package dev.capstan.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.capstan.llm.testing.LlmScript;
import dev.capstan.llm.testing.ScriptedLlmServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * A create the daemon stored but never answered is not created twice: the request is sent with an
 * {@code Idempotency-Key}, the daemon is killed with SIGKILL (the answer is lost, as when it dies
 * between commit and reply), a new daemon starts, and the same request with the same key answers
 * with what the first one created, through the real jar.
 */
@EnabledOnOs(OS.LINUX)
class IdempotencyScenarioIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private CapstanHarness capstan;
  private ScriptedLlmServer llm;

  @BeforeEach
  void start() {
    llm = ScriptedLlmServer.start();
    llm.otherwise(LlmScript.reply("ok"));
    capstan =
        new CapstanHarness(dir)
            .withEnv("CAPSTAN_LLM_URL", llm.baseUrl().toString())
            .withEnv("CAPSTAN_LLM_MAX_RETRIES", "0");
    capstan.startDaemon();
  }

  @AfterEach
  void stop() {
    capstan.close();
    llm.close();
  }

  /** POSTs {@code body} with {@code key} to the daemon the manifest names now. */
  private HttpResponse<String> post(String path, String body, String key) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(capstan.manifest().url() + path))
            .timeout(Duration.ofSeconds(20))
            .header("Authorization", "Bearer " + capstan.token())
            .header("Content-Type", "application/json")
            .header("Idempotency-Key", key)
            .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
            .build();
    try (HttpClient http = HttpClient.newHttpClient()) {
      return http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new AssertionError("POST " + path + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  private static JsonNode json(HttpResponse<String> response) {
    try {
      return JSON.readTree(response.body());
    } catch (IOException e) {
      throw new AssertionError("not JSON: " + response.body(), e);
    }
  }

  /** Kills the daemon with SIGKILL and lets the guardian start a new one. */
  private void crashAndRestart() {
    long old = capstan.manifest().pid();
    capstan.crash(old);
    capstan.run("daemon", "status").assertExit(0);
    assertThat(capstan.manifest().pid()).isNotEqualTo(old);
  }

  @Test
  void a_task_stored_before_the_daemon_died_is_not_queued_again_by_the_retry() {
    new TaskFixture(capstan, dir.resolve("src")).repo("acme", "--command", "true");
    String body = "{\"repo\":\"acme\",\"prompt\":\"ship it\"}";

    HttpResponse<String> lost = post("/api/tasks", body, "retry-me-1");
    assertThat(lost.statusCode()).as(lost.body()).isEqualTo(201);
    crashAndRestart();
    HttpResponse<String> retried = post("/api/tasks", body, "retry-me-1");

    assertThat(retried.statusCode()).as(retried.body()).isEqualTo(201);
    assertThat(retried.headers().firstValue("Idempotent-Replayed")).contains("true");
    assertThat(json(retried).path("id").asLong()).isEqualTo(json(lost).path("id").asLong());
    assertThat(capstan.api("GET", "/api/tasks", null).path("tasks")).hasSize(1);

    HttpResponse<String> fresh = post("/api/tasks", body, "another-key");
    assertThat(fresh.statusCode()).isEqualTo(201);
    assertThat(capstan.api("GET", "/api/tasks", null).path("tasks")).hasSize(2);
  }

  @Test
  void a_turn_stored_before_the_daemon_died_is_not_queued_again_by_the_retry() throws IOException {
    Path workspace = Files.createDirectories(dir.resolve("work"));
    CliResult created = capstan.run("session", "new", "--dir", workspace.toString(), "--json");
    created.assertExit(0);
    String session = JSON.readTree(created.stdout()).path("id").asText();
    String path = "/api/sessions/" + session + "/turns";

    HttpResponse<String> lost = post(path, "{\"message\":\"hello\"}", "turn-retry");
    assertThat(lost.statusCode()).as(lost.body()).isEqualTo(202);
    crashAndRestart();
    HttpResponse<String> retried = post(path, "{\"message\":\"hello\"}", "turn-retry");

    assertThat(retried.statusCode()).as(retried.body()).isEqualTo(202);
    assertThat(json(retried).path("turnId").asText()).isEqualTo(json(lost).path("turnId").asText());
    assertThat(capstan.api("GET", path, null).path("turns")).hasSize(1);
  }

  @Test
  void a_malformed_key_is_refused_in_the_one_error_shape() {
    new TaskFixture(capstan, dir.resolve("src")).repo("acme", "--command", "true");

    HttpResponse<String> refused =
        post("/api/tasks", "{\"repo\":\"acme\",\"prompt\":\"x\"}", "no spaces/allowed");

    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(json(refused).path("error").path("code").asText()).isEqualTo("BAD_REQUEST");
    assertThat(json(refused).path("error").path("hint").asText()).isNotBlank();
    assertThat(capstan.api("GET", "/api/tasks", null).path("tasks")).isEmpty();
  }
}
