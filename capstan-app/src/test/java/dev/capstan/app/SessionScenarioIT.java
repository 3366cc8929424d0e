package dev.capstan.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.capstan.llm.testing.LlmScript;
import dev.capstan.llm.testing.ScriptedLlmServer;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sessions and permission requests as a user meets them, through the real jar against a scripted
 * OpenAI-compatible server: a request survives a client disconnecting (replay and {@code approvals
 * list} show it again), approve and deny, cancel while waiting, a daemon killed with SIGKILL while
 * waiting (the request stays answerable and answering it resumes the turn), an LLM cut in the
 * middle of a turn, and the first decision winning.
 */
@EnabledOnOs(OS.LINUX)
class SessionScenarioIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String WRITE_HELLO =
      "{\"path\":\"hello.txt\",\"content\":\"hi from the agent\"}";

  @TempDir Path dir;

  private CapstanHarness capstan;
  private ScriptedLlmServer llm;
  private Path workspace;

  @BeforeEach
  void start() throws IOException {
    llm = ScriptedLlmServer.start();
    workspace = Files.createDirectories(dir.resolve("work"));
    capstan =
        new CapstanHarness(dir)
            .withEnv("CAPSTAN_LLM_URL", llm.baseUrl().toString())
            .withEnv("CAPSTAN_LLM_FIRST_TOKEN_TIMEOUT", "5s")
            .withEnv("CAPSTAN_LLM_IDLE_TIMEOUT", "5s")
            .withEnv("CAPSTAN_LLM_MAX_RETRIES", "0");
    capstan.startDaemon();
  }

  @AfterEach
  void stop() {
    llm.releaseStalls();
    capstan.close();
    llm.close();
  }

  private String newSession() {
    CliResult created =
        capstan.run("session", "new", "--dir", workspace.toString(), "--title", "demo", "--json");
    created.assertExit(0);
    return json(created.stdout()).path("id").asText();
  }

  private String send(String session, String message) {
    CliResult sent = capstan.run("session", "send", session, message);
    sent.assertExit(0);
    return sent.stdout().strip();
  }

  private JsonNode turn(String session, String turnId) {
    JsonNode turns =
        capstan
            .http()
            .authorized("GET", "/api/sessions/" + session + "/turns", capstan.token())
            .json()
            .path("turns");
    for (JsonNode turn : turns) {
      if (turn.path("id").asText().equals(turnId)) {
        return turn;
      }
    }
    throw new AssertionError("no turn " + turnId + " in " + turns);
  }

  private JsonNode awaitTurnEnded(String session, String turnId) {
    return await("turn " + turnId + " ended")
        .atMost(CapstanHarness.PATIENCE)
        .until(
            () -> turn(session, turnId),
            turn -> !turn.path("status").asText().matches("queued|running"));
  }

  private String awaitPendingApproval() {
    return await("a pending approval")
        .atMost(CapstanHarness.PATIENCE)
        .until(() -> pendingApprovals(), list -> list.size() == 1)
        .get(0)
        .path("id")
        .asText();
  }

  private java.util.List<JsonNode> pendingApprovals() {
    CliResult listed = capstan.run("approvals", "list", "--json");
    listed.assertExit(0);
    java.util.List<JsonNode> out = new java.util.ArrayList<>();
    json(listed.stdout()).forEach(out::add);
    return out;
  }

  @Test
  void a_request_survives_a_disconnect_and_approving_it_completes_the_turn() throws IOException {
    String session = newSession();
    llm.enqueue(LlmScript.callTool("call_1", "write_file", WRITE_HELLO));
    llm.enqueue(LlmScript.reply("I wrote hello.txt."));
    String turnId = send(session, "write a greeting");

    String approvalId;
    try (WsProbe first = new WsProbe(capstan.manifest().url(), capstan.token())) {
      first.subscribe("session/" + session);
      approvalId = first.awaitEvent("permission.request").path("data").path("approvalId").asText();
    }
    try (WsProbe again = new WsProbe(capstan.manifest().url(), capstan.token())) {
      again.subscribe("session/" + session);
      JsonNode replayed = again.awaitEvent("permission.request");
      assertThat(replayed.path("data").path("approvalId").asText()).isEqualTo(approvalId);
      assertThat(replayed.path("data").path("tool").asText()).isEqualTo("write_file");
    }
    assertThat(pendingApprovals())
        .extracting(a -> a.path("id").asText())
        .containsExactly(approvalId);
    assertThat(turn(session, turnId).path("status").asText()).isEqualTo("running");

    capstan.run("approve", approvalId, "--reason", "looks fine").assertExit(0);

    JsonNode ended = awaitTurnEnded(session, turnId);
    assertThat(ended.path("status").asText()).isEqualTo("completed");
    assertThat(ended.path("assistantText").asText()).isEqualTo("I wrote hello.txt.");
    assertThat(Files.readString(workspace.resolve("hello.txt"))).isEqualTo("hi from the agent");
    assertThat(pendingApprovals()).isEmpty();
  }

  @Test
  void a_denied_request_is_not_run_and_the_model_is_told() {
    String session = newSession();
    llm.enqueue(LlmScript.callTool("call_1", "write_file", WRITE_HELLO));
    llm.enqueue(LlmScript.reply("Understood, nothing written."));
    String turnId = send(session, "write a greeting");
    String approvalId = awaitPendingApproval();

    capstan.run("deny", approvalId, "--reason", "not in this repo").assertExit(0);

    JsonNode ended = awaitTurnEnded(session, turnId);
    assertThat(ended.path("status").asText()).isEqualTo("completed");
    assertThat(workspace.resolve("hello.txt")).doesNotExist();
    assertThat(llm.chatBodies().get(1).toString()).contains("not in this repo");
  }

  @Test
  void cancelling_a_turn_that_waits_resolves_its_request_and_the_next_turn_runs() {
    String session = newSession();
    llm.enqueue(LlmScript.callTool("call_1", "write_file", WRITE_HELLO));
    String turnId = send(session, "write a greeting");
    String approvalId = awaitPendingApproval();

    capstan.run("session", "cancel", session).assertExit(0);

    assertThat(turn(session, turnId).path("status").asText()).isEqualTo("cancelled");
    JsonNode approval =
        capstan.http().authorized("GET", "/api/approvals/" + approvalId, capstan.token()).json();
    assertThat(approval.path("status").asText()).isEqualTo("cancelled");
    assertThat(pendingApprovals()).isEmpty();
    llm.enqueue(LlmScript.reply("Ready again."));
    CliResult next = capstan.run("session", "send", session, "hello again", "--wait");
    next.assertExit(0);
    assertThat(next.stdout()).contains("Ready again.");
    assertThat(workspace.resolve("hello.txt")).doesNotExist();
  }

  @Test
  void after_a_kill_9_the_request_is_still_pending_and_answering_it_resumes_the_turn()
      throws IOException {
    String session = newSession();
    llm.enqueue(LlmScript.callTool("call_1", "write_file", WRITE_HELLO));
    String turnId = send(session, "write a greeting");
    String approvalId = awaitPendingApproval();

    capstan.crash(capstan.manifest().pid());
    llm.enqueue(LlmScript.reply("Written after the restart."));

    assertThat(pendingApprovals())
        .extracting(a -> a.path("id").asText())
        .containsExactly(approvalId);
    JsonNode interrupted = turn(session, turnId);
    assertThat(interrupted.path("status").asText()).isEqualTo("failed");
    assertThat(interrupted.path("error").path("code").asText()).isEqualTo("DAEMON_RESTARTED");

    capstan.run("approve", approvalId).assertExit(0);

    JsonNode resumed =
        await("the resumed turn")
            .atMost(CapstanHarness.PATIENCE)
            .until(
                () -> resumedTurn(session, turnId),
                turn -> turn != null && turn.path("status").asText().equals("completed"));
    assertThat(resumed.path("userMessage").asText()).isEqualTo("write a greeting");
    assertThat(resumed.path("assistantText").asText()).isEqualTo("Written after the restart.");
    assertThat(Files.readString(workspace.resolve("hello.txt"))).isEqualTo("hi from the agent");
  }

  @Test
  void a_command_a_killed_daemon_left_running_is_killed_when_a_daemon_starts_again() {
    String session = newSession();
    llm.enqueue(LlmScript.callTool("call_1", "run_command", "{\"command\":\"sleep 600\"}"));
    String turnId = send(session, "wait a long time");
    capstan.run("approve", awaitPendingApproval()).assertExit(0);
    List<Long> sleeping =
        await("the approved command running")
            .atMost(CapstanHarness.PATIENCE)
            .until(() -> ProcFs.turnProcessesOf(capstan.home(), turnId), pids -> !pids.isEmpty());
    assertThat(sleeping).anyMatch(pid -> ProcFs.commandLine(pid).contains("sleep"));

    capstan.crash(capstan.manifest().pid());
    assertThat(sleeping)
        .as("a SIGKILL of the daemon does not reach the command")
        .allMatch(ProcFs::isLive);
    capstan.startDaemon();

    await("the left-over command killed")
        .atMost(CapstanHarness.PATIENCE)
        .until(() -> sleeping.stream().noneMatch(ProcFs::isLive));
    JsonNode interrupted = awaitTurnEnded(session, turnId);
    assertThat(interrupted.path("error").path("code").asText()).isEqualTo("DAEMON_RESTARTED");
    assertThat(capstan.run("daemon", "logs", "-n", "200").stdout())
        .contains("left running by a previous daemon");
  }

  private JsonNode resumedTurn(String session, String interruptedId) {
    JsonNode turns =
        capstan
            .http()
            .authorized("GET", "/api/sessions/" + session + "/turns", capstan.token())
            .json()
            .path("turns");
    for (JsonNode turn : turns) {
      if (turn.path("resumeOf").asText("").equals(interruptedId)) {
        return turn;
      }
    }
    return null;
  }

  @Test
  void an_llm_cut_mid_turn_gives_llm_error_the_socket_stays_open_and_the_next_turn_works() {
    String session = newSession();
    llm.enqueue(LlmScript.stream().text("Half of ").text("an answer").drop());

    try (WsProbe watcher = new WsProbe(capstan.manifest().url(), capstan.token())) {
      watcher.subscribe("session/" + session);
      CliResult cut = capstan.run("session", "send", session, "tell me", "--wait");

      cut.assertExit(1);
      assertThat(cut.stdout()).contains("Half of an answer");
      assertThat(cut.stderr()).contains("LLM_ERROR");
      JsonNode error = watcher.awaitEvent("turn.error");
      assertThat(error.path("data").path("code").asText()).isEqualTo("LLM_ERROR");
      watcher.send("{\"type\":\"ping\",\"id\":\"p\"}");
      watcher.awaitFrame(frame -> frame.path("type").asText().equals("pong"));
      assertThat(watcher.closedByServer()).isFalse();

      llm.enqueue(LlmScript.reply("Back in one piece."));
      CliResult next = capstan.run("session", "send", session, "again", "--wait");

      next.assertExit(0);
      assertThat(next.stdout()).contains("Back in one piece.");
      watcher.awaitEvent("turn.completed");
    }
  }

  @Test
  void the_first_decision_wins_and_a_second_gets_409_already_resolved() {
    String session = newSession();
    llm.enqueue(LlmScript.callTool("call_1", "write_file", WRITE_HELLO));
    llm.enqueue(LlmScript.reply("ok"));
    send(session, "write a greeting");
    String approvalId = awaitPendingApproval();

    capstan.run("approve", approvalId).assertExit(0);
    CliResult late = capstan.run("deny", approvalId);
    DaemonHttp.Reply overHttp =
        capstan
            .http()
            .authorized(
                "POST",
                "/api/approvals/" + approvalId,
                capstan.token(),
                HttpRequest.BodyPublishers.ofString("{\"decision\":\"deny\"}"));

    late.assertExit(1);
    assertThat(late.stderr()).contains("already approved");
    assertThat(overHttp.status()).isEqualTo(409);
    assertThat(overHttp.errorCode()).isEqualTo("ALREADY_RESOLVED");
    assertThat(overHttp.json().path("error").path("message").asText()).contains("approved by");
  }

  @Test
  void unknown_ids_and_bad_input_get_the_one_error_shape() {
    String session = newSession();
    DaemonHttp http = capstan.http();

    DaemonHttp.Reply unknownSession =
        http.authorized("GET", "/api/sessions/s_nope", capstan.token());
    DaemonHttp.Reply unknownApproval =
        http.authorized(
            "POST",
            "/api/approvals/a_nope",
            capstan.token(),
            HttpRequest.BodyPublishers.ofString("{\"decision\":\"approve\"}"));
    DaemonHttp.Reply emptyMessage =
        http.authorized(
            "POST",
            "/api/sessions/" + session + "/turns",
            capstan.token(),
            HttpRequest.BodyPublishers.ofString("{\"message\":\"  \"}"));
    DaemonHttp.Reply missingDir =
        http.authorized(
            "POST",
            "/api/sessions",
            capstan.token(),
            HttpRequest.BodyPublishers.ofString("{\"dir\":\"" + dir.resolve("missing") + "\"}"));
    CliResult cliUnknown = capstan.run("session", "show", "s_nope");

    assertThat(unknownSession.status()).isEqualTo(404);
    assertThat(unknownSession.errorCode()).isEqualTo("NOT_FOUND");
    assertThat(unknownApproval.status()).isEqualTo(404);
    assertThat(emptyMessage.status()).isEqualTo(400);
    assertThat(missingDir.status()).isEqualTo(400);
    assertThat(missingDir.errorCode()).isEqualTo("WORKSPACE_INVALID");
    cliUnknown.assertExit(8);
    assertThat(cliUnknown.stderr()).contains("No session 's_nope'");
  }

  private static JsonNode json(String text) {
    try {
      return JSON.readTree(text);
    } catch (IOException e) {
      throw new AssertionError("not JSON: " + text, e);
    }
  }
}
