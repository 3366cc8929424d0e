package dev.capstan.daemon.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.capstan.approval.Approval;
import dev.capstan.approval.ApprovalAlreadyResolved;
import dev.capstan.approval.ApprovalScope;
import dev.capstan.approval.ApprovalSettings;
import dev.capstan.approval.ApprovalStatus;
import dev.capstan.approval.Approvals;
import dev.capstan.event.StreamName;
import dev.capstan.idempotency.IdempotencyKey;
import dev.capstan.llm.testing.LlmScript;
import dev.capstan.llm.testing.ScriptedLlmServer;
import dev.capstan.session.ConversationMessage;
import dev.capstan.session.Session;
import dev.capstan.session.SessionNotFound;
import dev.capstan.session.Turn;
import dev.capstan.session.TurnErrorCode;
import dev.capstan.session.TurnStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Turns of the built-in agent against a scripted OpenAI-compatible server: streamed text, chunked
 * tool calls, policies and approvals, and each way the server can fail (stall, 500, a drop in the
 * middle, down). Each failure ends the turn with its code, keeps what was streamed, and the next
 * turn works.
 */
class SessionTurnsTest {
  @TempDir Path dir;

  private ScriptedLlmServer llm;
  private SessionRig rig;
  private Path workspace;
  private final TestTools.Touch touch = new TestTools.Touch();
  private final TestTools.Block block = new TestTools.Block();

  @BeforeEach
  void start() throws Exception {
    llm = ScriptedLlmServer.start();
    workspace = Files.createDirectories(dir.resolve("work"));
    rig = new SessionRig(dir, llm.baseUrl(), List.of(touch, block), ApprovalSettings.DEFAULTS);
  }

  @AfterEach
  void stop() {
    llm.releaseStalls();
    rig.close();
    llm.close();
  }

  private Session aSession() {
    return rig.sessions().create(workspace.toString(), Optional.empty(), Optional.of("test"));
  }

  private static String deltas(SessionRig rig, Session session, String turnId) {
    return rig.data(StreamName.session(session.id()), "turn.delta").stream()
        .filter(d -> d.path("turnId").asText().equals(turnId))
        .map(d -> d.path("text").asText())
        .collect(Collectors.joining());
  }

  @Test
  void a_streamed_answer_gives_the_events_of_a_turn_and_is_stored() {
    Session session = aSession();
    llm.enqueue(LlmScript.reply("Hello from the model, in pieces."));

    Turn turn = rig.sessions().submit(session.id(), "hi");
    Turn ended = rig.awaitEnded(turn.id());

    assertThat(ended.status()).isEqualTo(TurnStatus.COMPLETED);
    assertThat(ended.assistantText()).isEqualTo("Hello from the model, in pieces.");
    assertThat(ended.usage()).hasValueSatisfying(u -> assertThat(u.promptTokens()).isEqualTo(10));
    assertThat(ended.ttftMillis()).isPresent();
    assertThat(ended.totalMillis()).isPresent();
    StreamName stream = StreamName.session(session.id());
    List<String> types = rig.types(stream);
    assertThat(types.get(0)).isEqualTo("turn.queued");
    assertThat(types.get(1)).isEqualTo("turn.started");
    assertThat(types.get(types.size() - 1)).isEqualTo("turn.completed");
    assertThat(types.subList(2, types.size() - 1)).containsOnly("turn.delta");
    assertThat(deltas(rig, session, turn.id())).isEqualTo(ended.assistantText());
    JsonNode completed = rig.data(stream, "turn.completed").get(0);
    assertThat(completed.path("promptTokens").asLong()).isEqualTo(10);
    assertThat(completed.has("ttftMillis")).isTrue();
    assertThat(completed.has("totalMillis")).isTrue();
  }

  @Test
  void a_turn_left_queued_without_a_worker_runs_before_a_new_submission_that_sees_its_answer() {
    Session session = aSession();
    // A turn stored as queued with no worker to take it, as a failed worker leaves it behind.
    Turn orphan =
        rig.store()
            .enqueueTurn(
                session.id(),
                "t-orphan",
                "first question",
                rig.clock().instant(),
                Optional.empty(),
                Optional.empty())
            .value();
    // The new turn starts at once and may ask the model before its claim finds the older turn;
    // that request is dropped. Then the older turn runs, then the new one.
    llm.otherwise(LlmScript.reply("An answer."));

    Turn second = rig.sessions().submit(session.id(), "second question");
    Turn secondEnded = rig.awaitEnded(second.id());
    Turn orphanEnded = rig.awaitEnded(orphan.id());

    assertThat(orphanEnded.status()).isEqualTo(TurnStatus.COMPLETED);
    assertThat(orphanEnded.assistantText()).isEqualTo("An answer.");
    assertThat(secondEnded.status()).isEqualTo(TurnStatus.COMPLETED);
    assertThat(secondEnded.assistantText()).isEqualTo("An answer.");
    assertThat(deltas(rig, session, second.id())).isEqualTo("An answer.");
    List<String> started =
        rig.data(StreamName.session(session.id()), "turn.started").stream()
            .map(d -> d.path("turnId").asText())
            .toList();
    assertThat(started).containsExactly(orphan.id(), second.id());
    JsonNode last = llm.chatBodies().get(llm.chatBodies().size() - 1);
    assertThat(last.path("messages").toString())
        .containsSubsequence("first question", "An answer.", "second question");
  }

  @Test
  void a_removed_workspace_ends_the_turn_at_its_first_tool_call_with_a_message_naming_it()
      throws Exception {
    Session session = aSession();
    rig.sessions().setPolicies(session.id(), java.util.Map.of("touch", "allow"));
    Files.delete(workspace);
    llm.enqueue(LlmScript.reply("Plain text needs no workspace."));
    llm.enqueue(LlmScript.callTool("call_1", "touch", "{\"name\":\"x.txt\"}"));

    Turn chat = rig.awaitEnded(rig.sessions().submit(session.id(), "hello").id());
    Turn tool = rig.awaitEnded(rig.sessions().submit(session.id(), "make a file").id());

    assertThat(chat.status()).isEqualTo(TurnStatus.COMPLETED);
    assertThat(tool.status()).isEqualTo(TurnStatus.FAILED);
    assertThat(tool.error().orElseThrow().code()).isEqualTo(TurnErrorCode.INTERNAL);
    assertThat(tool.error().orElseThrow().message())
        .contains(workspace.toString())
        .contains("does not exist");
    assertThat(touch.runs.get()).isZero();
  }

  @Test
  void a_removed_session_refuses_new_turns_even_after_submissions_remembered_it() {
    Session session = aSession();
    llm.otherwise(LlmScript.reply("ok"));
    rig.awaitEnded(rig.sessions().submit(session.id(), "remember me").id());
    rig.sessions().delete(session.id());

    assertThatThrownBy(() -> rig.sessions().submit(session.id(), "again"))
        .isInstanceOf(SessionNotFound.class);

    // Removed behind the service's back (as a race with a removal would leave it): still refused.
    Session other = aSession();
    rig.awaitEnded(rig.sessions().submit(other.id(), "remember me too").id());
    assertThat(rig.store().deleteSession(other.id())).isTrue();
    int requests = llm.chatRequests();

    assertThatThrownBy(() -> rig.sessions().submit(other.id(), "again"))
        .isInstanceOf(SessionNotFound.class);
    assertThatThrownBy(() -> rig.sessions().submit(other.id(), "and again"))
        .isInstanceOf(SessionNotFound.class);
    await("the dropped early start to end")
        .atMost(Duration.ofSeconds(10))
        .until(() -> rig.runner().active(other.id()).isEmpty());
    assertThat(llm.chatRequests() - requests).isLessThanOrEqualTo(1);
  }

  @Test
  void a_replayed_idempotency_key_runs_no_second_turn() {
    Session session = aSession();
    llm.otherwise(LlmScript.reply("Only once."));
    IdempotencyKey key = new IdempotencyKey("retry-1");

    Turn first = rig.sessions().submit(session.id(), "hi", Optional.of(key)).value();
    rig.awaitEnded(first.id());
    var again = rig.sessions().submit(session.id(), "hi", Optional.of(key));

    assertThat(again.replayed()).isTrue();
    assertThat(again.value().id()).isEqualTo(first.id());
    assertThat(rig.store().turnsOf(session.id())).extracting(Turn::id).containsExactly(first.id());
    await("the replay's early start to end")
        .atMost(Duration.ofSeconds(10))
        .until(() -> rig.runner().active(session.id()).isEmpty());
    StreamName stream = StreamName.session(session.id());
    assertThat(rig.types(stream)).containsOnlyOnce("turn.queued", "turn.started");
    assertThat(rig.data(stream, "turn.delta"))
        .allSatisfy(d -> assertThat(d.path("turnId").asText()).isEqualTo(first.id()));
  }

  @Test
  void an_allowed_tool_call_in_chunks_runs_once_and_its_result_goes_back_to_the_model() {
    Session session = aSession();
    rig.sessions().setPolicies(session.id(), java.util.Map.of("touch", "allow"));
    llm.enqueue(LlmScript.callTool("call_1", "touch", "{\"name\":\"made.txt\"}"));
    llm.enqueue(LlmScript.reply("Done."));

    Turn turn = rig.sessions().submit(session.id(), "make a file");
    Turn ended = rig.awaitEnded(turn.id());

    assertThat(ended.status()).isEqualTo(TurnStatus.COMPLETED);
    assertThat(workspace.resolve("made.txt")).exists();
    assertThat(touch.runs.get()).isEqualTo(1);
    assertThat(rig.types(StreamName.session(session.id())))
        .containsSubsequence("turn.started", "tool.started", "tool.finished", "turn.completed");
    JsonNode second = llm.chatBodies().get(1);
    JsonNode last = second.path("messages").get(second.path("messages").size() - 1);
    assertThat(last.path("role").asText()).isEqualTo("tool");
    assertThat(last.path("tool_call_id").asText()).isEqualTo("call_1");
    assertThat(last.path("content").asText()).contains("created made.txt");
    assertThat(rig.store().messagesOf(turn.id()))
        .extracting(ConversationMessage::role)
        .containsExactly(
            ConversationMessage.Role.USER,
            ConversationMessage.Role.ASSISTANT,
            ConversationMessage.Role.TOOL,
            ConversationMessage.Role.ASSISTANT);
  }

  @Test
  void a_denied_policy_tells_the_model_without_running_the_tool() {
    Session session = aSession();
    rig.sessions().setPolicies(session.id(), java.util.Map.of("touch", "deny"));
    llm.enqueue(LlmScript.callTool("call_1", "touch", "{\"name\":\"no.txt\"}"));
    llm.enqueue(LlmScript.reply("I was not allowed."));

    Turn ended = rig.awaitEnded(rig.sessions().submit(session.id(), "make a file").id());

    assertThat(ended.status()).isEqualTo(TurnStatus.COMPLETED);
    assertThat(touch.runs.get()).isZero();
    assertThat(workspace.resolve("no.txt")).doesNotExist();
    JsonNode finished = rig.data(StreamName.session(session.id()), "tool.finished").get(0);
    assertThat(finished.path("outcome").asText()).isEqualTo("denied");
  }

  @Test
  void an_ask_waits_for_approval_on_both_streams_and_runs_after_approve() {
    Session session = aSession();
    llm.enqueue(LlmScript.callTool("call_1", "touch", "{\"name\":\"ok.txt\"}"));
    llm.enqueue(LlmScript.reply("Created it."));

    Turn turn = rig.sessions().submit(session.id(), "make a file");
    JsonNode request = rig.awaitEvent(StreamName.session(session.id()), "permission.request");
    JsonNode onApprovals = rig.awaitEvent(StreamName.APPROVALS, "permission.request");
    String approvalId = request.path("approvalId").asText();

    assertThat(onApprovals.path("approvalId").asText()).isEqualTo(approvalId);
    assertThat(request.path("tool").asText()).isEqualTo("touch");
    assertThat(request.path("turnId").asText()).isEqualTo(turn.id());
    assertThat(rig.store().findTurn(turn.id()).orElseThrow().status())
        .isEqualTo(TurnStatus.RUNNING);
    assertThat(touch.runs.get()).isZero();

    rig.sessions()
        .decide(approvalId, new Approvals.Verdict(true, ApprovalScope.ONCE, "alice", "fine"));
    Turn ended = rig.awaitEnded(turn.id());

    assertThat(ended.status()).isEqualTo(TurnStatus.COMPLETED);
    assertThat(workspace.resolve("ok.txt")).exists();
    JsonNode resolved = rig.awaitEvent(StreamName.APPROVALS, "permission.resolved");
    assertThat(resolved.path("status").asText()).isEqualTo("approved");
    assertThat(resolved.path("decidedBy").asText()).isEqualTo("alice");
    assertThat(rig.data(StreamName.session(session.id()), "permission.resolved")).hasSize(1);
  }

  @Test
  void a_deny_tells_the_model_and_the_turn_completes() {
    Session session = aSession();
    llm.enqueue(LlmScript.callTool("call_1", "touch", "{\"name\":\"no.txt\"}"));
    llm.enqueue(LlmScript.reply("Understood."));

    Turn turn = rig.sessions().submit(session.id(), "make a file");
    String approvalId =
        rig.awaitEvent(StreamName.APPROVALS, "permission.request").path("approvalId").asText();
    rig.sessions()
        .decide(approvalId, new Approvals.Verdict(false, ApprovalScope.ONCE, "bob", "not today"));
    Turn ended = rig.awaitEnded(turn.id());

    assertThat(ended.status()).isEqualTo(TurnStatus.COMPLETED);
    assertThat(touch.runs.get()).isZero();
    JsonNode second = llm.chatBodies().get(1);
    JsonNode last = second.path("messages").get(second.path("messages").size() - 1);
    assertThat(last.path("content").asText()).contains("denied").contains("not today");
  }

  @Test
  void approve_for_the_session_stores_an_allow_so_the_next_call_does_not_ask() {
    Session session = aSession();
    llm.enqueue(LlmScript.callTool("call_1", "touch", "{\"name\":\"a.txt\"}"));
    llm.enqueue(LlmScript.callTool("call_2", "touch", "{\"name\":\"b.txt\"}"));
    llm.enqueue(LlmScript.reply("Both."));

    Turn turn = rig.sessions().submit(session.id(), "two files");
    String approvalId =
        rig.awaitEvent(StreamName.APPROVALS, "permission.request").path("approvalId").asText();
    rig.sessions()
        .decide(approvalId, new Approvals.Verdict(true, ApprovalScope.SESSION, "alice", ""));
    Turn ended = rig.awaitEnded(turn.id());

    assertThat(ended.status()).isEqualTo(TurnStatus.COMPLETED);
    assertThat(touch.runs.get()).isEqualTo(2);
    assertThat(rig.data(StreamName.APPROVALS, "permission.request")).hasSize(1);
    assertThat(rig.store().policiesOf(session.id())).containsEntry("touch", "allow");
  }

  @Test
  void the_first_decision_wins_and_a_second_is_refused_with_the_first() {
    Session session = aSession();
    llm.enqueue(LlmScript.callTool("call_1", "touch", "{}"));
    llm.enqueue(LlmScript.reply("ok"));
    rig.sessions().submit(session.id(), "go");
    String approvalId =
        rig.awaitEvent(StreamName.APPROVALS, "permission.request").path("approvalId").asText();

    rig.sessions().decide(approvalId, new Approvals.Verdict(true, ApprovalScope.ONCE, "a", ""));

    assertThatThrownBy(
            () ->
                rig.sessions()
                    .decide(approvalId, new Approvals.Verdict(false, ApprovalScope.ONCE, "b", "")))
        .isInstanceOf(ApprovalAlreadyResolved.class)
        .hasMessageContaining("approved by a");
  }

  @Test
  void a_stalled_server_ends_the_turn_with_llm_timeout_and_keeps_the_partial_text() {
    Session session = aSession();
    llm.enqueue(LlmScript.stream().text("partial ").stall());
    llm.enqueue(LlmScript.reply("back again"));

    Turn failed = rig.awaitEnded(rig.sessions().submit(session.id(), "hi").id());
    Turn next = rig.awaitEnded(rig.sessions().submit(session.id(), "again").id());

    assertThat(failed.status()).isEqualTo(TurnStatus.FAILED);
    assertThat(failed.error().orElseThrow().code()).isEqualTo(TurnErrorCode.LLM_TIMEOUT);
    assertThat(failed.assistantText()).isEqualTo("partial ");
    assertThat(
            rig.data(StreamName.session(session.id()), "turn.error").get(0).path("code").asText())
        .isEqualTo("LLM_TIMEOUT");
    assertThat(next.status()).isEqualTo(TurnStatus.COMPLETED);
  }

  @Test
  void a_server_error_ends_the_turn_with_llm_error_and_the_next_turn_works() {
    Session session = aSession();
    llm.enqueue(LlmScript.status(500, "{\"error\":{\"message\":\"boom\"}}"));
    llm.enqueue(LlmScript.reply("fine now"));

    Turn failed = rig.awaitEnded(rig.sessions().submit(session.id(), "hi").id());
    Turn next = rig.awaitEnded(rig.sessions().submit(session.id(), "again").id());

    assertThat(failed.error().orElseThrow().code()).isEqualTo(TurnErrorCode.LLM_ERROR);
    assertThat(next.status()).isEqualTo(TurnStatus.COMPLETED);
    assertThat(next.assistantText()).isEqualTo("fine now");
  }

  @Test
  void a_drop_in_the_middle_ends_with_llm_error_and_keeps_what_was_streamed() {
    Session session = aSession();
    llm.enqueue(LlmScript.stream().text("half an ").text("answer").drop());

    Turn failed = rig.awaitEnded(rig.sessions().submit(session.id(), "hi").id());

    assertThat(failed.status()).isEqualTo(TurnStatus.FAILED);
    assertThat(failed.error().orElseThrow().code()).isEqualTo(TurnErrorCode.LLM_ERROR);
    assertThat(failed.assistantText()).isEqualTo("half an answer");
    assertThat(deltas(rig, session, failed.id())).isEqualTo("half an answer");
  }

  @Test
  void a_server_that_is_down_gives_llm_unreachable_and_the_turn_after_it_comes_back_works() {
    Session session = aSession();
    llm.stop();

    Turn failed = rig.awaitEnded(rig.sessions().submit(session.id(), "hi").id());
    llm.restart();
    llm.enqueue(LlmScript.reply("I am back"));
    Turn next = rig.awaitEnded(rig.sessions().submit(session.id(), "again").id());

    assertThat(failed.error().orElseThrow().code()).isEqualTo(TurnErrorCode.LLM_UNREACHABLE);
    assertThat(next.status()).isEqualTo(TurnStatus.COMPLETED);
    assertThat(next.assistantText()).isEqualTo("I am back");
  }

  @Test
  void turns_of_a_session_run_one_at_a_time_in_order() {
    Session session = aSession();
    llm.enqueue(
        LlmScript.stream().text("first").pause(Duration.ofMillis(300)).finish("stop").done());
    llm.enqueue(LlmScript.reply("second"));

    Turn one = rig.sessions().submit(session.id(), "one");
    Turn two = rig.sessions().submit(session.id(), "two");
    rig.awaitEnded(two.id());

    Turn first = rig.store().findTurn(one.id()).orElseThrow();
    Turn second = rig.store().findTurn(two.id()).orElseThrow();
    assertThat(first.assistantText()).isEqualTo("first");
    assertThat(second.assistantText()).isEqualTo("second");
    assertThat(second.startedAt().orElseThrow()).isAfterOrEqualTo(first.finishedAt().orElseThrow());
    JsonNode secondRequest = llm.chatBodies().get(1);
    assertThat(secondRequest.toString()).contains("one").contains("first").contains("two");
  }

  @Test
  void cancel_unsticks_a_turn_waiting_on_the_llm_and_the_next_turn_runs() {
    Session session = aSession();
    llm.enqueue(LlmScript.stream().stall());
    llm.enqueue(LlmScript.reply("next"));
    Turn stuck = rig.sessions().submit(session.id(), "hi");
    await().atMost(SessionRig.PATIENCE).until(() -> llm.chatRequests() == 1);

    List<String> cancelled = rig.sessions().cancel(session.id(), Optional.of(stuck.id()));
    Turn next = rig.awaitEnded(rig.sessions().submit(session.id(), "again").id());

    assertThat(cancelled).containsExactly(stuck.id());
    Turn ended = rig.store().findTurn(stuck.id()).orElseThrow();
    assertThat(ended.status()).isEqualTo(TurnStatus.CANCELLED);
    assertThat(ended.error().orElseThrow().code()).isEqualTo(TurnErrorCode.CANCELLED);
    assertThat(next.status()).isEqualTo(TurnStatus.COMPLETED);
  }

  @Test
  void a_cancel_racing_the_start_of_a_turn_always_ends_it_cancelled_and_the_session_goes_on() {
    Session session = aSession();
    llm.otherwise(LlmScript.stream().text("never ").text("shown").stall());
    StreamName stream = StreamName.session(session.id());
    for (int round = 0; round < 21; round++) {
      int requestsBefore = llm.chatRequests();
      Turn turn = rig.sessions().submit(session.id(), "round " + round);
      // Cancels land at once (usually before the claim), once the LLM request went out (while
      // the claim commits), and once the turn is running.
      if (round % 3 == 1) {
        await().atMost(SessionRig.PATIENCE).until(() -> llm.chatRequests() > requestsBefore);
      } else if (round % 3 == 2) {
        await()
            .atMost(SessionRig.PATIENCE)
            .until(
                () -> rig.store().findTurn(turn.id()).orElseThrow().status() != TurnStatus.QUEUED);
      }

      List<String> cancelled = rig.sessions().cancel(session.id(), Optional.empty());
      Turn ended = rig.awaitEnded(turn.id());

      assertThat(cancelled).as("round %d", round).contains(turn.id());
      assertThat(ended.status()).as("round %d", round).isEqualTo(TurnStatus.CANCELLED);
      assertThat(ended.error().orElseThrow().code()).isEqualTo(TurnErrorCode.CANCELLED);
      List<String> ofTurn =
          rig.events(stream).stream()
              .filter(e -> SessionRig.parse(e.dataJson()).path("turnId").asText().equals(turn.id()))
              .map(e -> e.type())
              .toList();
      assertThat(ofTurn).as("round %d", round).startsWith("turn.queued").endsWith("turn.error");
      assertThat(ofTurn).as("round %d", round).containsOnlyOnce("turn.queued", "turn.error");
    }
    llm.releaseStalls();
    llm.enqueue(LlmScript.reply("Still here."));
    Turn after = rig.awaitEnded(rig.sessions().submit(session.id(), "after the races").id());
    assertThat(after.status()).isEqualTo(TurnStatus.COMPLETED);
    assertThat(after.assistantText()).isEqualTo("Still here.");
  }

  @Test
  void cancel_while_waiting_for_approval_resolves_it_as_cancelled_at_once() {
    Session session = aSession();
    llm.enqueue(LlmScript.callTool("call_1", "touch", "{}"));
    llm.enqueue(LlmScript.reply("next"));
    Turn turn = rig.sessions().submit(session.id(), "go");
    String approvalId =
        rig.awaitEvent(StreamName.APPROVALS, "permission.request").path("approvalId").asText();

    rig.sessions().cancel(session.id(), Optional.empty());
    Turn next = rig.awaitEnded(rig.sessions().submit(session.id(), "again").id());

    Approval approval = rig.approvals().get(approvalId);
    assertThat(approval.status()).isEqualTo(ApprovalStatus.CANCELLED);
    assertThat(rig.store().findTurn(turn.id()).orElseThrow().status())
        .isEqualTo(TurnStatus.CANCELLED);
    assertThat(
            rig.data(StreamName.session(session.id()), "permission.resolved")
                .get(0)
                .path("status")
                .asText())
        .isEqualTo("cancelled");
    assertThat(touch.runs.get()).isZero();
    assertThat(next.status()).isEqualTo(TurnStatus.COMPLETED);
  }

  @Test
  void cancel_stops_a_running_tool() throws Exception {
    Session session = aSession();
    llm.enqueue(LlmScript.callTool("call_1", "block", "{}"));
    Turn turn = rig.sessions().submit(session.id(), "block");
    assertThat(block.started.await(15, TimeUnit.SECONDS)).isTrue();

    rig.sessions().cancel(session.id(), Optional.empty());

    Turn ended = rig.awaitEnded(turn.id());
    assertThat(ended.status()).isEqualTo(TurnStatus.CANCELLED);
  }

  @Test
  void cancelling_queued_turns_means_they_never_start() {
    Session session = aSession();
    llm.enqueue(LlmScript.stream().stall());
    Turn running = rig.sessions().submit(session.id(), "one");
    Turn queued = rig.sessions().submit(session.id(), "two");
    await().atMost(SessionRig.PATIENCE).until(() -> llm.chatRequests() == 1);

    List<String> cancelled = rig.sessions().cancel(session.id(), Optional.empty());

    assertThat(cancelled).containsExactlyInAnyOrder(running.id(), queued.id());
    assertThat(rig.store().findTurn(queued.id()).orElseThrow().startedAt()).isEmpty();
    assertThat(llm.chatRequests()).isEqualTo(1);
  }

  @Test
  void a_restart_fails_the_running_turn_keeps_its_approval_answerable_and_an_answer_resumes_it() {
    Session session = aSession();
    llm.enqueue(LlmScript.callTool("call_1", "touch", "{\"name\":\"late.txt\"}"));
    Turn turn = rig.sessions().submit(session.id(), "make it");
    String approvalId =
        rig.awaitEvent(StreamName.APPROVALS, "permission.request").path("approvalId").asText();

    rig.restart();
    llm.enqueue(LlmScript.reply("Made it after the restart."));

    Turn interrupted = rig.store().findTurn(turn.id()).orElseThrow();
    assertThat(interrupted.status()).isEqualTo(TurnStatus.FAILED);
    assertThat(interrupted.error().orElseThrow().code()).isEqualTo(TurnErrorCode.DAEMON_RESTARTED);
    assertThat(rig.approvals().list(Optional.of(ApprovalStatus.PENDING), 10))
        .extracting(Approval::id)
        .containsExactly(approvalId);

    rig.sessions().decide(approvalId, new Approvals.Verdict(true, ApprovalScope.ONCE, "a", ""));
    Turn resumed =
        await()
            .atMost(SessionRig.PATIENCE)
            .until(
                () ->
                    rig.store().turnsOf(session.id()).stream()
                        .filter(t -> t.resumeOf().equals(Optional.of(turn.id())))
                        .findFirst(),
                Optional::isPresent)
            .orElseThrow();
    Turn ended = rig.awaitEnded(resumed.id());

    assertThat(ended.status()).isEqualTo(TurnStatus.COMPLETED);
    assertThat(ended.userMessage()).isEqualTo("make it");
    assertThat(workspace.resolve("late.txt")).exists();
    assertThat(touch.runs.get()).isEqualTo(1);
  }

  @Test
  void queued_turns_survive_a_restart_and_run_afterwards() {
    Session session = aSession();
    llm.enqueue(LlmScript.stream().stall());
    Turn running = rig.sessions().submit(session.id(), "one");
    Turn queued = rig.sessions().submit(session.id(), "two");
    await().atMost(SessionRig.PATIENCE).until(() -> llm.chatRequests() == 1);

    rig.restart();
    llm.releaseStalls();
    llm.otherwise(LlmScript.reply("after restart"));

    assertThat(rig.awaitEnded(running.id()).error().orElseThrow().code())
        .isEqualTo(TurnErrorCode.DAEMON_RESTARTED);
    assertThat(rig.awaitEnded(queued.id()).status()).isEqualTo(TurnStatus.COMPLETED);
  }

  @Test
  void an_unanswered_request_expires_with_the_timeout_and_the_call_is_refused() {
    rig.close();
    rig =
        new SessionRig(
            dir,
            llm.baseUrl(),
            List.of(touch, block),
            new ApprovalSettings(
                Optional.of(Duration.ofMinutes(5)), ApprovalSettings.TimeoutAction.DENY));
    Session session = aSession();
    llm.enqueue(LlmScript.callTool("call_1", "touch", "{}"));
    llm.enqueue(LlmScript.reply("Nobody answered."));
    Turn turn = rig.sessions().submit(session.id(), "go");
    JsonNode request = rig.awaitEvent(StreamName.APPROVALS, "permission.request");
    assertThat(request.path("expiresAt").asText()).isNotEmpty();

    int early = rig.approvals().expireDue();
    rig.clock().advance(Duration.ofMinutes(5));
    int due = rig.approvals().expireDue();
    Turn ended = rig.awaitEnded(turn.id());

    assertThat(early).isZero();
    assertThat(due).isEqualTo(1);
    assertThat(ended.status()).isEqualTo(TurnStatus.COMPLETED);
    assertThat(touch.runs.get()).isZero();
    assertThat(rig.approvals().get(request.path("approvalId").asText()).status())
        .isEqualTo(ApprovalStatus.EXPIRED);
    assertThat(
            rig.data(StreamName.session(session.id()), "permission.resolved")
                .get(0)
                .path("decidedBy")
                .asText())
        .isEqualTo("timeout");
  }
}
