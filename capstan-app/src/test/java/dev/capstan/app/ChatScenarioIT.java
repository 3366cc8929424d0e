package dev.capstan.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.capstan.llm.testing.LlmScript;
import dev.capstan.llm.testing.ScriptedLlmServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code capstan chat} as a person uses it, through the real jar with its input and output piped,
 * against a scripted OpenAI-compatible server: the answer streams, a permission request is asked
 * inline and answered, Ctrl-C (SIGINT) cancels the running turn but not chat, and a daemon killed
 * with SIGKILL mid-answer is restarted, the interrupted turn reported, and the next message works.
 */
@EnabledOnOs(OS.LINUX)
class ChatScenarioIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private CapstanHarness capstan;
  private ScriptedLlmServer llm;
  private Path workspace;
  private final List<CapstanHarness.Interactive> chats = new ArrayList<>();

  @BeforeEach
  void start() throws IOException {
    llm = ScriptedLlmServer.start();
    workspace = Files.createDirectories(dir.resolve("work"));
    capstan =
        new CapstanHarness(dir)
            .withEnv("CAPSTAN_LLM_URL", llm.baseUrl().toString())
            .withEnv("CAPSTAN_LLM_FIRST_TOKEN_TIMEOUT", "30s")
            .withEnv("CAPSTAN_LLM_IDLE_TIMEOUT", "30s")
            .withEnv("CAPSTAN_LLM_MAX_RETRIES", "0");
    capstan.startDaemon();
  }

  @AfterEach
  void stop() {
    // why: chat first, so it cannot restart the daemon the harness is about to kill.
    for (CapstanHarness.Interactive chat : chats) {
      chat.running().process().destroyForcibly();
    }
    llm.releaseStalls();
    capstan.close();
    llm.close();
  }

  private String newSession() {
    CliResult created =
        capstan.run("session", "new", "--dir", workspace.toString(), "--title", "chat", "--json");
    created.assertExit(0);
    try {
      return JSON.readTree(created.stdout()).path("id").asText();
    } catch (IOException e) {
      throw new AssertionError("not JSON: " + created.stdout(), e);
    }
  }

  private CapstanHarness.Interactive chat(String session) {
    CapstanHarness.Interactive chat = capstan.interactive("chat", session);
    chats.add(chat);
    chat.awaitStderr("Chatting with session " + session);
    chat.awaitStdout("> ");
    return chat;
  }

  private JsonNode turns(String session) {
    return capstan
        .http()
        .authorized("GET", "/api/sessions/" + session + "/turns", capstan.token())
        .json()
        .path("turns");
  }

  private void awaitPrompts(CapstanHarness.Interactive chat, int count) {
    await("prompt number " + count)
        .atMost(CapstanHarness.PATIENCE)
        .until(() -> chat.running().stdout().split("> ", -1).length - 1 >= count);
  }

  @Test
  void ctrl_c_while_asked_cancels_the_turn_and_returns_to_the_prompt() {
    String session = newSession();
    llm.enqueue(
        LlmScript.callTool(
            "call_1", "write_file", "{\"path\":\"hello.txt\",\"content\":\"hi from chat\"}"));
    CapstanHarness.Interactive chat = chat(session);

    chat.type("write a greeting");
    chat.awaitStderr("[y]es / [n]o / [a]lways");
    capstan.signal(chat.running().pid(), "INT");

    chat.awaitStderr("CANCELLED");
    awaitPrompts(chat, 2);
    assertThat(workspace.resolve("hello.txt")).doesNotExist();
    llm.enqueue(LlmScript.reply("Fine, no file."));
    chat.type("never mind");
    chat.awaitStdout("Fine, no file.");
  }

  @Test
  void input_ending_at_the_question_leaves_chat_and_the_request_stays_answerable() {
    String session = newSession();
    llm.enqueue(
        LlmScript.callTool(
            "call_1", "write_file", "{\"path\":\"hello.txt\",\"content\":\"hi from chat\"}"));
    llm.enqueue(LlmScript.reply("Done after all."));
    CapstanHarness.Interactive chat = chat(session);

    chat.type("write a greeting");
    chat.awaitStderr("[y]es / [n]o / [a]lways");
    chat.endInput();

    CliResult result = chat.running().awaitExit();
    result.assertExit(0);
    assertThat(result.stderr()).contains("it stays pending: capstan approve");
    CliResult pending = capstan.run("approvals", "list", "--json");
    pending.assertExit(0);
    String approvalId;
    try {
      approvalId = JSON.readTree(pending.stdout()).get(0).path("id").asText();
    } catch (IOException e) {
      throw new AssertionError(pending.stdout(), e);
    }
    capstan.run("approve", approvalId).assertExit(0);
    await("the turn completed after the approval")
        .atMost(CapstanHarness.PATIENCE)
        .until(() -> turns(session).get(0).path("status").asText().equals("completed"));
  }

  @Test
  void a_typed_message_streams_the_answer_and_quit_leaves() {
    String session = newSession();
    llm.enqueue(LlmScript.reply("Hello there, I am the agent."));
    CapstanHarness.Interactive chat = chat(session);

    chat.type("hi");

    chat.awaitStdout("Hello there, I am the agent.");
    awaitPrompts(chat, 2);
    chat.type("/quit");
    CliResult result = chat.running().awaitExit();
    result.assertExit(0);
    assertThat(turns(session)).hasSize(1);
    assertThat(turns(session).get(0).path("status").asText()).isEqualTo("completed");
  }

  @Test
  void a_tool_under_ask_is_asked_inline_and_yes_runs_it() throws IOException {
    String session = newSession();
    llm.enqueue(
        LlmScript.callTool(
            "call_1", "write_file", "{\"path\":\"hello.txt\",\"content\":\"hi from chat\"}"));
    llm.enqueue(LlmScript.reply("I wrote hello.txt."));
    CapstanHarness.Interactive chat = chat(session);

    chat.type("write a greeting");
    String asked = chat.awaitStderr("[y]es / [n]o / [a]lways");
    chat.type("y");

    chat.awaitStdout("I wrote hello.txt.");
    assertThat(asked).contains("Allow write_file");
    assertThat(chat.running().stderr()).contains("[tool] write_file");
    assertThat(Files.readString(workspace.resolve("hello.txt"))).isEqualTo("hi from chat");
    chat.endInput();
    chat.running().awaitExit().assertExit(0);
  }

  @Test
  void ctrl_c_cancels_the_running_turn_and_chat_goes_on() {
    String session = newSession();
    llm.enqueue(LlmScript.stream().text("Let me think").stall());
    CapstanHarness.Interactive chat = chat(session);

    chat.type("think hard");
    chat.awaitStdout("Let me think");
    capstan.signal(chat.running().pid(), "INT");

    chat.awaitStderr("CANCELLED");
    assertThat(chat.running().process().isAlive()).isTrue();
    assertThat(turns(session).get(0).path("status").asText()).isEqualTo("cancelled");
    awaitPrompts(chat, 2);

    llm.enqueue(LlmScript.reply("Second answer."));
    chat.type("again");
    chat.awaitStdout("Second answer.");
    awaitPrompts(chat, 3);

    capstan.signal(chat.running().pid(), "INT");
    chat.awaitStderr("Ctrl-C again to leave");
    assertThat(chat.running().process().isAlive()).isTrue();
    capstan.signal(chat.running().pid(), "INT");
    CliResult result = chat.running().awaitExit();
    assertThat(result.exitCode()).isEqualTo(130);
    assertThat(turns(session)).hasSize(2);
  }

  @Test
  void a_daemon_killed_mid_answer_is_restarted_and_the_turn_reported() {
    String session = newSession();
    llm.enqueue(LlmScript.stream().text("Half an ans").stall());
    CapstanHarness.Interactive chat = chat(session);
    chat.type("tell me everything");
    chat.awaitStdout("Half an ans");
    long oldDaemon = capstan.manifest().pid();

    capstan.crash(oldDaemon);

    chat.awaitStderr("DAEMON_RESTARTED");
    assertThat(capstan.manifest().pid()).isNotEqualTo(oldDaemon);
    awaitPrompts(chat, 2);
    llm.enqueue(LlmScript.reply("All good now."));
    chat.type("still there?");
    chat.awaitStdout("All good now.");
    JsonNode turns = turns(session);
    assertThat(turns).hasSize(2);
    assertThat(turns.get(0).path("error").path("code").asText()).isEqualTo("DAEMON_RESTARTED");
    assertThat(turns.get(1).path("status").asText()).isEqualTo("completed");
  }
}
