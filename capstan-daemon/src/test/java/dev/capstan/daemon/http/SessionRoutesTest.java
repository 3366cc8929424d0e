package dev.capstan.daemon.http;

import static dev.capstan.daemon.ErrorShape.assertError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.capstan.daemon.RunningDaemon;
import dev.capstan.json.Json;
import dev.capstan.llm.testing.LlmScript;
import dev.capstan.llm.testing.ScriptedLlmServer;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The session and approval routes of a daemon in this JVM, with the LLM scripted: the shapes
 * clients rely on, the {@code decide} WebSocket frame, and bad input in the one error shape.
 */
class SessionRoutesTest {
  @TempDir Path dir;

  private ScriptedLlmServer llm;
  private RunningDaemon daemon;
  private Path workspace;

  @BeforeEach
  void start() throws IOException {
    llm = ScriptedLlmServer.start();
    workspace = Files.createDirectories(dir.resolve("work"));
    daemon =
        RunningDaemon.start(
            dir.resolve("home"),
            Map.of("llm.url", llm.baseUrl().toString(), "llm.maxRetries", "0"));
  }

  @AfterEach
  void stop() {
    daemon.close();
    llm.close();
  }

  private JsonNode json(HttpResponse<String> response) {
    try {
      return Json.mapper().readTree(response.body());
    } catch (IOException e) {
      throw new AssertionError("not JSON: " + response.body(), e);
    }
  }

  private HttpResponse<String> send(String method, String path, String body) {
    return daemon.send(
        daemon
            .authorized(path)
            .header("Content-Type", "application/json")
            .method(method, HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)));
  }

  private String newSession() {
    HttpResponse<String> created =
        daemon.post(
            "/api/sessions",
            Optional.of("{\"dir\":\"" + workspace + "\",\"title\":\"t\",\"model\":\"m1\"}"));
    assertThat(created.statusCode()).isEqualTo(201);
    return json(created).path("id").asText();
  }

  private JsonNode awaitTurn(String session, String turnId, String status) {
    return await()
        .atMost(Duration.ofSeconds(15))
        .until(
            () -> {
              for (JsonNode turn :
                  json(daemon.get("/api/sessions/" + session + "/turns")).path("turns")) {
                if (turn.path("id").asText().equals(turnId)) {
                  return turn;
                }
              }
              return null;
            },
            turn -> turn != null && turn.path("status").asText().equals(status));
  }

  @Test
  void a_session_is_created_on_the_real_path_and_shows_its_turns() throws IOException {
    Path link = Files.createSymbolicLink(dir.resolve("link"), workspace);
    HttpResponse<String> created =
        daemon.post("/api/sessions", Optional.of("{\"dir\":\"" + link + "\"}"));
    String session = json(created).path("id").asText();
    llm.enqueue(LlmScript.reply("hello"));

    HttpResponse<String> submitted =
        daemon.post("/api/sessions/" + session + "/turns", Optional.of("{\"message\":\"hi\"}"));
    String turnId = json(submitted).path("turnId").asText();
    awaitTurn(session, turnId, "completed");
    JsonNode history = json(daemon.get("/api/sessions/" + session));

    assertThat(created.statusCode()).isEqualTo(201);
    assertThat(json(created).path("workspace").asText())
        .isEqualTo(workspace.toRealPath().toString());
    assertThat(json(created).path("title").asText()).isEqualTo("work");
    assertThat(submitted.statusCode()).isEqualTo(202);
    assertThat(json(submitted).path("status").asText()).isEqualTo("queued");
    JsonNode turn = history.path("turns").get(0).path("turn");
    assertThat(turn.path("status").asText()).isEqualTo("completed");
    assertThat(turn.path("assistantText").asText()).isEqualTo("hello");
    assertThat(turn.path("usage").path("promptTokens").asLong()).isEqualTo(10);
    assertThat(history.path("turns").get(0).path("messages")).hasSize(2);
  }

  @Test
  void a_decide_frame_answers_a_request_and_a_second_one_gets_already_resolved() {
    String session = newSession();
    llm.enqueue(
        LlmScript.callTool("call_1", "write_file", "{\"path\":\"a.txt\",\"content\":\"x\"}"));
    llm.enqueue(LlmScript.reply("done"));
    String turnId =
        json(daemon.post("/api/sessions/" + session + "/turns", Optional.of("{\"message\":\"w\"}")))
            .path("turnId")
            .asText();
    String approvalId =
        await()
            .atMost(Duration.ofSeconds(15))
            .until(
                () -> json(daemon.get("/api/approvals?status=pending")).path("approvals"),
                list -> list.size() == 1)
            .get(0)
            .path("id")
            .asText();

    try (WsClient ws =
        WsClient.connect(
            EventSocketTest.wsUrl(daemon, ""),
            Map.of("Authorization", "Bearer " + daemon.token().value()))) {
      ws.send(
          "{\"type\":\"decide\",\"id\":\"d1\",\"approvalId\":\""
              + approvalId
              + "\",\"decision\":\"approve\",\"reason\":\"ok\"}");
      JsonNode decided = ws.reply("d1");
      ws.send(
          "{\"type\":\"decide\",\"id\":\"d2\",\"approvalId\":\""
              + approvalId
              + "\",\"decision\":\"deny\"}");
      JsonNode second = ws.assertError("d2", "ALREADY_RESOLVED");
      ws.send(
          "{\"type\":\"decide\",\"id\":\"d3\",\"approvalId\":\"a_nope\",\"decision\":\"deny\"}");
      ws.assertError("d3", "NOT_FOUND");
      ws.send("{\"type\":\"decide\",\"id\":\"d4\",\"approvalId\":\"x\",\"decision\":\"maybe\"}");
      ws.assertError("d4", "BAD_REQUEST");

      assertThat(decided.path("type").asText()).isEqualTo("decided");
      assertThat(decided.path("approval").path("status").asText()).isEqualTo("approved");
      assertThat(decided.path("approval").path("decidedBy").asText()).isEqualTo("ws");
      assertThat(second.path("message").asText()).contains("approved by ws");
    }
    awaitTurn(session, turnId, "completed");
    assertThat(workspace.resolve("a.txt")).exists();
  }

  @Test
  void bad_input_gets_the_one_error_shape() {
    String session = newSession();

    assertError(
        send("POST", "/api/sessions", "{\"dir\":\"" + workspace + "\",\"x\":1}"),
        400,
        "INVALID_JSON");
    assertError(send("POST", "/api/sessions", "{}"), 400, "BAD_REQUEST");
    assertError(send("POST", "/api/sessions", "not json"), 400, "INVALID_JSON");
    assertError(
        send("POST", "/api/sessions", "{\"dir\":\"" + workspace.resolve("nope") + "\"}"),
        400,
        "WORKSPACE_INVALID");
    assertError(send("PATCH", "/api/sessions/" + session, "{\"title\":\"\"}"), 400, "BAD_REQUEST");
    assertError(send("PATCH", "/api/sessions/s_nope", "{\"title\":\"x\"}"), 404, "NOT_FOUND");
    assertError(send("DELETE", "/api/sessions/s_nope", ""), 404, "NOT_FOUND");
    assertError(
        send("PUT", "/api/sessions/" + session + "/policies", "{\"run_command\":\"sometimes\"}"),
        400,
        "BAD_REQUEST");
    assertError(
        send("PUT", "/api/sessions/" + session + "/policies", "{\"no_such_tool\":\"allow\"}"),
        400,
        "BAD_REQUEST");
    assertError(
        send("POST", "/api/sessions/" + session + "/cancel", "{\"turnId\":\"t_nope\"}"),
        404,
        "NOT_FOUND");
    assertError(daemon.get("/api/approvals?status=maybe"), 400, "BAD_REQUEST");
    assertError(daemon.get("/api/approvals/a_nope"), 404, "NOT_FOUND");
    assertError(
        send(
            "POST",
            "/api/sessions/" + session + "/turns",
            "{\"message\":\"" + "x".repeat(10) + "\",\"more\":1}"),
        400,
        "INVALID_JSON");
  }

  @Test
  void policies_are_set_per_session_and_a_finished_turn_cannot_be_cancelled() {
    String session = newSession();
    llm.enqueue(LlmScript.reply("hi"));
    String turnId =
        json(daemon.post("/api/sessions/" + session + "/turns", Optional.of("{\"message\":\"x\"}")))
            .path("turnId")
            .asText();
    awaitTurn(session, turnId, "completed");

    HttpResponse<String> policies =
        send("PUT", "/api/sessions/" + session + "/policies", "{\"run_command\":\"ALLOW\"}");
    HttpResponse<String> cancel =
        send("POST", "/api/sessions/" + session + "/cancel", "{\"turnId\":\"" + turnId + "\"}");
    HttpResponse<String> removed = send("DELETE", "/api/sessions/" + session, "");

    assertThat(policies.statusCode()).isEqualTo(200);
    assertThat(json(policies).path("policies").path("run_command").asText()).isEqualTo("allow");
    assertError(cancel, 409, "CONFLICT");
    assertThat(removed.statusCode()).isEqualTo(200);
    assertError(daemon.get("/api/sessions/" + session), 404, "NOT_FOUND");
  }
}
