package dev.capstan.daemon.http;

import static dev.capstan.daemon.ErrorShape.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.capstan.daemon.RunningDaemon;
import dev.capstan.daemon.git.TestRepos;
import dev.capstan.json.Json;
import dev.capstan.llm.testing.ScriptedLlmServer;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code Idempotency-Key} header on the creating routes, over real HTTP on a real daemon: a
 * repeated key answers like the first request (same status, the same object, marked {@code
 * Idempotent-Replayed}) and creates nothing; a malformed key is a 400 in the one error shape.
 */
class IdempotencyRoutesTest {
  @TempDir Path dir;
  private ScriptedLlmServer llm;
  private RunningDaemon daemon;
  private Path checkout;

  @BeforeEach
  void start() throws Exception {
    llm = ScriptedLlmServer.start();
    daemon =
        RunningDaemon.start(
            dir.resolve("home"),
            Map.of("llm.url", llm.baseUrl().toString(), "llm.maxRetries", "0"));
    checkout = TestRepos.create(dir.resolve("acme"));
  }

  @AfterEach
  void stop() {
    daemon.close();
    llm.close();
  }

  private HttpResponse<String> post(String path, String body, String key) {
    return daemon.send(
        daemon
            .authorized(path)
            .header("Content-Type", "application/json")
            .header("Idempotency-Key", key)
            .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)));
  }

  private static JsonNode json(HttpResponse<String> response) {
    try {
      return Json.mapper().readTree(response.body());
    } catch (IOException e) {
      throw new AssertionError("not JSON: " + response.body(), e);
    }
  }

  private String repoBody() {
    return "{\"source\":\"" + checkout + "\",\"command\":\"sleep 30\"}";
  }

  private void addRepo() {
    assertThat(post("/api/repos", repoBody(), "repo-1").statusCode()).isEqualTo(201);
  }

  private int taskCount() {
    return json(daemon.get("/api/tasks")).path("tasks").size();
  }

  @Test
  void a_repeated_task_key_answers_201_with_the_first_task_and_creates_nothing() {
    addRepo();
    String body = "{\"repo\":\"acme\",\"prompt\":\"fix it\"}";

    HttpResponse<String> first = post("/api/tasks", body, "task-key-1");
    HttpResponse<String> again = post("/api/tasks", body, "task-key-1");

    assertThat(first.statusCode()).as(first.body()).isEqualTo(201);
    assertThat(first.headers().firstValue("Idempotent-Replayed")).isEmpty();
    assertThat(again.statusCode()).as(again.body()).isEqualTo(201);
    assertThat(again.headers().firstValue("Idempotent-Replayed")).contains("true");
    assertThat(json(again).path("id").asLong()).isEqualTo(json(first).path("id").asLong());
    assertThat(taskCount()).isEqualTo(1);
  }

  @Test
  void different_task_keys_create_a_task_each() {
    addRepo();
    String body = "{\"repo\":\"acme\",\"prompt\":\"fix it\"}";

    long one = json(post("/api/tasks", body, "a")).path("id").asLong();
    long two = json(post("/api/tasks", body, "b")).path("id").asLong();

    assertThat(one).isNotEqualTo(two);
    assertThat(taskCount()).isEqualTo(2);
  }

  @Test
  void concurrent_requests_with_one_key_create_exactly_one_task() throws Exception {
    addRepo();
    int racers = 8;
    ExecutorService pool = Executors.newFixedThreadPool(racers);
    CountDownLatch go = new CountDownLatch(1);
    try {
      List<Future<HttpResponse<String>>> answers = new ArrayList<>();
      for (int i = 0; i < racers; i++) {
        answers.add(
            pool.submit(
                () -> {
                  go.await();
                  return post("/api/tasks", "{\"repo\":\"acme\",\"prompt\":\"once\"}", "race");
                }));
      }
      go.countDown();
      List<Long> ids = new ArrayList<>();
      for (Future<HttpResponse<String>> answer : answers) {
        HttpResponse<String> response = answer.get();
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        ids.add(json(response).path("id").asLong());
      }

      assertThat(taskCount()).isEqualTo(1);
      assertThat(ids).containsOnly(ids.getFirst());
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void a_repeated_repo_key_answers_201_instead_of_409() {
    HttpResponse<String> first = post("/api/repos", repoBody(), "repo-key");
    HttpResponse<String> again = post("/api/repos", repoBody(), "repo-key");
    HttpResponse<String> other = post("/api/repos", repoBody(), "another-key");

    assertThat(first.statusCode()).as(first.body()).isEqualTo(201);
    assertThat(again.statusCode()).as(again.body()).isEqualTo(201);
    assertThat(json(again).path("name").asText()).isEqualTo("acme");
    assertThat(again.headers().firstValue("Idempotent-Replayed")).contains("true");
    assertError(other, 409, "REPO_EXISTS");
    assertThat(json(daemon.get("/api/repos")).path("repos")).hasSize(1);
  }

  @Test
  void a_repeated_turn_key_answers_202_with_the_first_turn() throws Exception {
    Path workspace = Files.createDirectories(dir.resolve("work"));
    String session =
        json(daemon.send(
                daemon
                    .authorized("/api/sessions")
                    .header("Content-Type", "application/json")
                    .POST(
                        HttpRequest.BodyPublishers.ofString(
                            "{\"dir\":\"" + workspace + "\"}", StandardCharsets.UTF_8))))
            .path("id")
            .asText();
    String path = "/api/sessions/" + session + "/turns";

    HttpResponse<String> first = post(path, "{\"message\":\"hello\"}", "turn-key");
    HttpResponse<String> again = post(path, "{\"message\":\"hello\"}", "turn-key");

    assertThat(first.statusCode()).as(first.body()).isEqualTo(202);
    assertThat(again.statusCode()).as(again.body()).isEqualTo(202);
    assertThat(json(again).path("turnId").asText()).isEqualTo(json(first).path("turnId").asText());
    assertThat(json(daemon.get(path)).path("turns")).hasSize(1);
  }

  @Test
  void malformed_keys_are_refused_and_create_nothing() {
    addRepo();
    String body = "{\"repo\":\"acme\",\"prompt\":\"fix it\"}";

    assertError(post("/api/tasks", body, ""), 400, "BAD_REQUEST");
    assertError(post("/api/tasks", body, "has space"), 400, "BAD_REQUEST");
    assertError(post("/api/tasks", body, "../../etc"), 400, "BAD_REQUEST");
    assertError(post("/api/tasks", body, "x".repeat(129)), 400, "BAD_REQUEST");
    assertThat(post("/api/tasks", body, "x".repeat(128)).statusCode()).isEqualTo(201);
    assertThat(taskCount()).isEqualTo(1);
  }
}
