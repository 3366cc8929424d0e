package dev.capstan.daemon.http;

import static dev.capstan.daemon.ErrorShape.assertError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.capstan.daemon.RunningDaemon;
import dev.capstan.daemon.git.TestRepos;
import dev.capstan.json.Json;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every route of the tasks API, over real HTTP on a real daemon, with good and bad input. */
class TaskRoutesTest {
  @TempDir Path dir;
  private RunningDaemon daemon;
  private Path checkout;

  @BeforeEach
  void start() throws Exception {
    daemon = RunningDaemon.start(dir.resolve("home"));
    checkout = TestRepos.create(dir.resolve("acme"));
  }

  @AfterEach
  void stop() {
    daemon.close();
  }

  private static JsonNode json(HttpResponse<String> response) throws Exception {
    return Json.mapper().readTree(response.body());
  }

  private HttpResponse<String> post(String path, String body) {
    return daemon.post(path, Optional.of(body));
  }

  private HttpResponse<String> send(String method, String path, String body) {
    return daemon.send(
        daemon
            .authorized(path)
            .header("Content-Type", "application/json")
            .method(method, HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)));
  }

  private void addRepo(String command) {
    HttpResponse<String> response =
        post(
            "/api/repos",
            "{\"source\":" + quote(checkout.toString()) + ",\"command\":" + quote(command) + "}");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
  }

  private static String quote(String text) {
    try {
      return Json.mapper().writeValueAsString(text);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private long submit(String body) throws Exception {
    HttpResponse<String> response = post("/api/tasks", body);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
    return json(response).get("id").asLong();
  }

  private JsonNode awaitTask(long id, String state) throws Exception {
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> json(daemon.get("/api/tasks/" + id)).get("state").asText().equals(state));
    return json(daemon.get("/api/tasks/" + id));
  }

  @Test
  void a_repo_is_added_listed_shown_changed_and_removed() throws Exception {
    HttpResponse<String> added =
        post(
            "/api/repos",
            "{\"source\":"
                + quote(checkout.toString())
                + ",\"maxConcurrent\":3,\"command\":\"true\"}");

    assertThat(added.statusCode()).isEqualTo(201);
    JsonNode repo = json(added);
    assertThat(repo.get("name").asText()).isEqualTo("acme");
    assertThat(repo.get("baseBranch").asText()).isEqualTo("main");
    assertThat(repo.get("maxConcurrent").asInt()).isEqualTo(3);
    assertThat(repo.get("provisionTimeout").isNull()).isTrue();
    assertThat(json(daemon.get("/api/repos")).get("repos")).hasSize(1);

    HttpResponse<String> patched =
        send("PATCH", "/api/repos/acme", "{\"maxConcurrent\":1,\"idleTimeout\":\"PT5M\"}");
    assertThat(patched.statusCode()).as(patched.body()).isEqualTo(200);
    assertThat(json(patched).get("idleTimeout").asText()).isEqualTo("PT5M");
    assertThat(json(daemon.get("/api/repos/acme")).get("maxConcurrent").asInt()).isEqualTo(1);

    HttpResponse<String> removed = send("DELETE", "/api/repos/acme", "");
    assertThat(removed.statusCode()).isEqualTo(204);
    assertError(daemon.get("/api/repos/acme"), 404, "NOT_FOUND");
  }

  @Test
  void bad_repos_get_clear_errors() throws Exception {
    Path plain = Files.createDirectories(dir.resolve("plain"));
    assertError(
        post("/api/repos", "{\"source\":" + quote(plain.toString()) + "}"), 400, "NOT_A_GIT_REPO");
    assertError(
        post(
            "/api/repos",
            "{\"source\":" + quote(checkout.toString()) + ",\"baseBranch\":\"nope\"}"),
        400,
        "BRANCH_NOT_FOUND");
    assertError(
        post(
            "/api/repos",
            "{\"source\":" + quote(checkout.toString()) + ",\"name\":\"../etc; rm -rf /\"}"),
        400,
        "INVALID_NAME");
    assertError(
        post(
            "/api/repos",
            "{\"source\":" + quote(checkout.toString()) + ",\"baseBranch\":\"$(touch x)\"}"),
        400,
        "INVALID_NAME");
    addRepo("true");
    assertError(
        post("/api/repos", "{\"source\":" + quote(checkout.toString()) + "}"), 409, "REPO_EXISTS");
    assertError(
        post("/api/repos", "{\"source\":\"file:///nonexistent/repo.git\"}"), 400, "CLONE_FAILED");
    assertError(post("/api/repos", "{\"source\":"), 400, "INVALID_JSON");
    assertError(post("/api/repos", "{\"source\":\"x\",\"bogus\":1}"), 400, "INVALID_JSON");
    assertError(
        send("PATCH", "/api/repos/acme", "{\"runTimeout\":\"10 minutes\"}"), 400, "BAD_REQUEST");
    assertError(send("PATCH", "/api/repos/acme", "{\"maxConcurrent\":0}"), 400, "BAD_REQUEST");
    assertError(send("PATCH", "/api/repos/..", "{}"), 404, "NOT_FOUND");
    assertThat(Files.exists(checkout.resolve("x"))).isFalse();
  }

  @Test
  void a_task_is_submitted_run_and_shown_with_attempts_and_history() throws Exception {
    addRepo("echo done > done.txt");

    long id =
        submit("{\"repo\":\"acme\",\"prompt\":\"say \\\"hi\\\"\\nthen stop\",\"title\":\"t\"}");
    JsonNode task = awaitTask(id, "completed");

    assertThat(task.get("repo").asText()).isEqualTo("acme");
    assertThat(task.get("pendingReason").isNull()).isTrue();
    assertThat(task.get("branch").asText()).isEqualTo("capstan/task-" + id);
    assertThat(task.get("prompt").asText()).isEqualTo("say \"hi\"\nthen stop");
    JsonNode attempt = task.get("attempts").get(0);
    assertThat(attempt.get("outcome").asText()).isEqualTo("succeeded");
    assertThat(attempt.get("diffstat").get("files").asInt()).isEqualTo(1);
    assertThat(attempt.get("commit").asText()).hasSize(40);
    assertThat(task.get("history")).hasSize(4);
    assertThat(task.get("history").get(0).get("trigger").asText()).isEqualTo("submit");

    JsonNode list = json(daemon.get("/api/tasks?state=completed&repo=acme&limit=10"));
    assertThat(list.get("tasks")).hasSize(1);
    assertThat(json(daemon.get("/api/tasks?state=queued")).get("tasks")).isEmpty();
    JsonNode events = json(daemon.get("/api/events?stream=tasks"));
    assertThat(events.get("events").findValuesAsText("type")).contains("task.state");
  }

  @Test
  void bad_task_requests_get_clear_errors() throws Exception {
    addRepo("true");

    assertError(post("/api/tasks", "{\"repo\":\"nope\",\"prompt\":\"x\"}"), 404, "NOT_FOUND");
    assertError(post("/api/tasks", "{\"repo\":\"acme\"}"), 400, "BAD_REQUEST");
    assertError(
        post("/api/tasks", "{\"repo\":\"acme\",\"prompt\":\"x\",\"agent\":\"nope\"}"),
        400,
        "UNKNOWN_AGENT");
    assertError(
        post("/api/tasks", "{\"repo\":\"acme\",\"prompt\":\"x\",\"priority\":\"high\"}"),
        400,
        "INVALID_JSON");
    assertError(daemon.get("/api/tasks/abc"), 404, "NOT_FOUND");
    assertError(daemon.get("/api/tasks/99999"), 404, "NOT_FOUND");
    assertError(daemon.post("/api/tasks/99999/cancel", Optional.empty()), 404, "NOT_FOUND");
    assertError(daemon.get("/api/tasks?state=bogus"), 400, "BAD_REQUEST");
    assertError(daemon.get("/api/tasks?limit=0"), 400, "BAD_REQUEST");
    send("PATCH", "/api/repos/acme", "{\"command\":\"\"}");
    JsonNode error =
        assertError(post("/api/tasks", "{\"repo\":\"acme\",\"prompt\":\"x\"}"), 400, "BAD_REQUEST");
    assertThat(error.get("hint").asText()).contains("--command");
  }

  @Test
  void a_huge_prompt_is_refused() throws Exception {
    try (RunningDaemon big =
        RunningDaemon.start(dir.resolve("big"), java.util.Map.of("http.maxRequestBytes", "4MiB"))) {
      big.post(
          "/api/repos",
          Optional.of("{\"source\":" + quote(checkout.toString()) + ",\"command\":\"true\"}"));
      String prompt = "x".repeat((1 << 20) + 1);

      HttpResponse<String> response =
          big.post("/api/tasks", Optional.of("{\"repo\":\"acme\",\"prompt\":\"" + prompt + "\"}"));

      assertError(response, 400, "PROMPT_TOO_LARGE");
      assertThat(json(big.get("/api/tasks")).get("tasks")).isEmpty();
    }
  }

  @Test
  void cancel_retry_restart_and_redo_follow_the_state_machine() throws Exception {
    addRepo("sleep 300");
    long id = submit("{\"repo\":\"acme\",\"prompt\":\"p\"}");
    awaitTask(id, "running");

    assertError(
        daemon.post("/api/tasks/" + id + "/retry", Optional.empty()), 409, "INVALID_TRANSITION");
    HttpResponse<String> cancelled = daemon.post("/api/tasks/" + id + "/cancel", Optional.empty());
    assertThat(json(cancelled).get("state").asText()).isEqualTo("cancelled");
    HttpResponse<String> again = daemon.post("/api/tasks/" + id + "/cancel", Optional.empty());
    assertThat(again.statusCode()).isEqualTo(200);

    HttpResponse<String> redo = daemon.post("/api/tasks/" + id + "/redo", Optional.empty());
    assertThat(redo.statusCode()).as(redo.body()).isEqualTo(200);
    JsonNode running = awaitTask(id, "running");
    assertThat(running.get("branch").asText()).isEqualTo("capstan/task-" + id + "-2");
    HttpResponse<String> restart = daemon.post("/api/tasks/" + id + "/restart", Optional.empty());
    assertThat(restart.statusCode()).as(restart.body()).isEqualTo(200);
    JsonNode restarted = awaitTask(id, "running");
    assertThat(restarted.get("attempts")).hasSize(3);
    assertThat(restarted.get("attempts").get(1).get("outcome").asText()).isEqualTo("interrupted");

    JsonNode all = json(daemon.post("/api/tasks/cancel-active", Optional.empty()));
    assertThat(all.get("cancelled")).hasSize(1);
    assertThat(awaitTask(id, "cancelled").get("retries").asInt()).isEqualTo(2);
  }

  @Test
  void limits_cluster_and_gc_answer_and_refuse_bad_values() throws Exception {
    addRepo("true");

    assertThat(json(daemon.get("/api/limits")).get("maxConcurrent").asInt()).isEqualTo(5);
    HttpResponse<String> set = send("PUT", "/api/limits", "{\"maxConcurrent\":7}");
    assertThat(json(set).get("maxConcurrent").asInt()).isEqualTo(7);
    assertError(send("PUT", "/api/limits", "{\"maxConcurrent\":0}"), 400, "BAD_REQUEST");
    assertError(send("PUT", "/api/limits", "{}"), 400, "BAD_REQUEST");

    JsonNode cluster = json(daemon.get("/api/cluster?events=5"));
    assertThat(cluster.get("maxConcurrent").asInt()).isEqualTo(7);
    assertThat(cluster.get("workers").get(0).get("name").asText()).isEqualTo("local/acme");
    assertThat(cluster.get("workers").get(0).get("state").asText()).isEqualTo("idle");
    assertError(daemon.get("/api/cluster?events=-1"), 400, "BAD_REQUEST");

    long id = submit("{\"repo\":\"acme\",\"prompt\":\"p\"}");
    awaitTask(id, "completed");
    JsonNode usage = json(daemon.get("/api/gc"));
    assertThat(usage.get("worktrees").asInt()).isEqualTo(1);
    assertThat(usage.get("diskUsedBytes").asLong()).isPositive();
    JsonNode dry = json(post("/api/gc", "{\"dryRun\":true}"));
    assertThat(dry.get("removed")).isEmpty();
    assertError(post("/api/gc", "{\"dryRun\":"), 400, "INVALID_JSON");
  }

  @Test
  void a_repo_with_unfinished_tasks_cannot_be_removed() throws Exception {
    addRepo("sleep 300");
    long id = submit("{\"repo\":\"acme\",\"prompt\":\"p\"}");

    assertError(send("DELETE", "/api/repos/acme", ""), 409, "REPO_BUSY");

    daemon.post("/api/tasks/" + id + "/cancel", Optional.empty());
    HttpResponse<String> removed = send("DELETE", "/api/repos/acme", "");
    assertThat(removed.statusCode()).as(() -> removed.body() + logTail()).isEqualTo(204);
  }

  private String logTail() {
    try {
      return Files.readString(dir.resolve("home").resolve("logs").resolve("daemon.log"));
    } catch (java.io.IOException e) {
      return e.toString();
    }
  }

  @Test
  void the_limit_survives_a_restart() throws Exception {
    send("PUT", "/api/limits", "{\"maxConcurrent\":9}");
    daemon.close();

    daemon = RunningDaemon.start(dir.resolve("home"));

    assertThat(json(daemon.get("/api/limits")).get("maxConcurrent").asInt()).isEqualTo(9);
  }
}
