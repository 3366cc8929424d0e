package dev.capstan.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.capstan.approval.Approval;
import dev.capstan.approval.ApprovalScope;
import dev.capstan.approval.ApprovalStatus;
import dev.capstan.approval.ApprovalStore;
import dev.capstan.llm.ToolCall;
import dev.capstan.session.ConversationMessage;
import dev.capstan.session.Session;
import dev.capstan.session.SessionStore;
import dev.capstan.session.Turn;
import dev.capstan.session.TurnEnd;
import dev.capstan.session.TurnErrorCode;
import dev.capstan.session.TurnStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * What the session and approval stores must do on every database: sessions with their queue of
 * turns (positions in submission order, even when submitted concurrently), compare-and-set status
 * changes, the conversation with tool calls, policy overrides, and approvals where the first
 * decision wins. {@link SqliteSessionStoreTest} always runs it; {@link PostgresSessionStoreTest}
 * when {@code CAPSTAN_TEST_PG_URL} is set.
 */
abstract class SessionStoreContract {
  static final Instant T0 = Instant.parse("2030-01-02T03:04:05.123456Z");

  private SessionStore sessions;
  private ApprovalStore approvals;

  /** A migrated, empty database for this test; the subclass closes it afterwards. */
  protected abstract Database database();

  final SessionStore sessions() {
    if (sessions == null) {
      sessions = new JdbcSessionStore(database());
    }
    return sessions;
  }

  final ApprovalStore approvals() {
    if (approvals == null) {
      approvals = new JdbcApprovalStore(database());
    }
    return approvals;
  }

  private Session aSession(String id) {
    Session session = new Session(id, "title " + id, "/work/" + id, Optional.of("qwen"), T0, T0);
    sessions().createSession(session);
    return session;
  }

  private static Approval aPendingApproval(String id, String turnId, Optional<Instant> expires) {
    return new Approval(
        id,
        "run_command",
        "{\"command\":\"make\"}",
        Optional.of("s1"),
        Optional.of(turnId),
        Optional.empty(),
        Optional.of("call-" + id),
        T0,
        expires,
        ApprovalStatus.PENDING,
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty());
  }

  @Test
  void a_session_round_trips_and_lists_newest_first() {
    Session first = aSession("s1");
    Session second =
        new Session("s2", "later", "/w", Optional.empty(), T0.plusSeconds(1), T0.plusSeconds(1));
    sessions().createSession(second);

    assertThat(sessions().findSession("s1")).contains(first);
    assertThat(sessions().listSessions()).containsExactly(second, first);
    assertThat(sessions().findSession("nope")).isEmpty();
  }

  @Test
  void rename_changes_the_title_and_reports_unknown_sessions() {
    aSession("s1");

    boolean renamed = sessions().renameSession("s1", "new name", T0.plusSeconds(5));
    boolean unknown = sessions().renameSession("nope", "x", T0);

    assertThat(renamed).isTrue();
    assertThat(unknown).isFalse();
    assertThat(sessions().findSession("s1").orElseThrow().title()).isEqualTo("new name");
    assertThat(sessions().findSession("s1").orElseThrow().updatedAt()).isEqualTo(T0.plusSeconds(5));
  }

  @Test
  void turns_get_positions_in_submission_order_and_run_from_the_lowest() {
    aSession("s1");

    Turn one = sessions().enqueueTurn("s1", "t1", "first", T0, Optional.empty());
    Turn two = sessions().enqueueTurn("s1", "t2", "second", T0, Optional.empty());

    assertThat(one.position()).isEqualTo(1);
    assertThat(two.position()).isEqualTo(2);
    assertThat(one.status()).isEqualTo(TurnStatus.QUEUED);
    assertThat(sessions().nextQueued("s1").orElseThrow().id()).isEqualTo("t1");
    assertThat(sessions().markRunning("t1", T0.plusSeconds(1))).isTrue();
    assertThat(sessions().nextQueued("s1").orElseThrow().id()).isEqualTo("t2");
    assertThat(sessions().turnsIn(TurnStatus.RUNNING)).extracting(Turn::id).containsExactly("t1");
  }

  @Test
  void concurrent_submissions_to_one_session_get_distinct_positions() throws Exception {
    aSession("s1");
    int count = 12;
    CountDownLatch go = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    List<Future<Turn>> futures = new ArrayList<>();
    try {
      for (int i = 0; i < count; i++) {
        String id = "t" + i;
        futures.add(
            pool.submit(
                () -> {
                  go.await();
                  return sessions().enqueueTurn("s1", id, "m", T0, Optional.empty());
                }));
      }
      go.countDown();
      for (Future<Turn> future : futures) {
        future.get();
      }
    } finally {
      pool.shutdownNow();
    }

    assertThat(sessions().turnsOf("s1"))
        .extracting(Turn::position)
        .containsExactlyElementsOf(
            java.util.stream.LongStream.rangeClosed(1, count).boxed().toList());
  }

  @Test
  void mark_running_and_finish_are_compare_and_set() {
    aSession("s1");
    sessions().enqueueTurn("s1", "t1", "hi", T0, Optional.empty());
    sessions().markRunning("t1", T0.plusSeconds(1));
    TurnEnd done =
        new TurnEnd(
            TurnStatus.COMPLETED,
            "hello",
            Optional.empty(),
            Optional.of(new Turn.TokenUsage(12, 3)),
            T0.plusSeconds(2),
            Optional.of(150L),
            Optional.of(1000L));

    boolean again = sessions().markRunning("t1", T0.plusSeconds(1));
    boolean finished = sessions().finishTurn("t1", Set.of(TurnStatus.RUNNING), done);
    boolean twice =
        sessions()
            .finishTurn(
                "t1",
                Set.of(TurnStatus.RUNNING, TurnStatus.QUEUED),
                TurnEnd.failed(TurnErrorCode.CANCELLED, "late", "", T0.plusSeconds(3)));

    assertThat(again).isFalse();
    assertThat(finished).isTrue();
    assertThat(twice).isFalse();
    Turn stored = sessions().findTurn("t1").orElseThrow();
    assertThat(stored.status()).isEqualTo(TurnStatus.COMPLETED);
    assertThat(stored.assistantText()).isEqualTo("hello");
    assertThat(stored.usage()).contains(new Turn.TokenUsage(12, 3));
    assertThat(stored.startedAt()).contains(T0.plusSeconds(1));
    assertThat(stored.finishedAt()).contains(T0.plusSeconds(2));
    assertThat(stored.ttftMillis()).contains(150L);
    assertThat(stored.totalMillis()).contains(1000L);
    assertThat(stored.error()).isEmpty();
  }

  @Test
  void the_claim_stores_the_opening_messages_only_when_it_wins() {
    aSession("s1");
    sessions().enqueueTurn("s1", "t1", "hi", T0, Optional.empty());
    ConversationMessage user =
        new ConversationMessage(
            "t1",
            0,
            ConversationMessage.Role.USER,
            "hi",
            List.of(),
            Optional.empty(),
            Optional.empty(),
            T0.plusSeconds(1));

    boolean claimed = sessions().markRunning("t1", T0.plusSeconds(1), List.of(user));
    boolean again = sessions().markRunning("t1", T0.plusSeconds(2), List.of(user));

    assertThat(claimed).isTrue();
    assertThat(again).isFalse();
    assertThat(sessions().findTurn("t1").orElseThrow().status()).isEqualTo(TurnStatus.RUNNING);
    assertThat(sessions().messagesOf("t1")).containsExactly(user);
  }

  @Test
  void the_conversation_before_a_turn_holds_only_earlier_completed_turns_in_order() {
    aSession("s1");
    aSession("s2");
    for (String id : List.of("t1", "t2", "t3", "t4")) {
      sessions().enqueueTurn("s1", id, "ask " + id, T0, Optional.empty());
      sessions().markRunning(id, T0, List.of(message(id, 0, "ask " + id)));
      sessions().appendMessage(message(id, 1, "answer " + id));
    }
    sessions().enqueueTurn("s2", "u1", "elsewhere", T0, Optional.empty());
    sessions().markRunning("u1", T0, List.of(message("u1", 0, "elsewhere")));
    for (String id : List.of("t1", "t3", "t4", "u1")) {
      sessions()
          .finishTurn(
              id,
              Set.of(TurnStatus.RUNNING),
              new TurnEnd(
                  TurnStatus.COMPLETED,
                  "answer " + id,
                  Optional.empty(),
                  Optional.empty(),
                  T0,
                  Optional.empty(),
                  Optional.empty()));
    }
    sessions()
        .finishTurn(
            "t2", Set.of(TurnStatus.RUNNING), TurnEnd.failed(TurnErrorCode.LLM_ERROR, "x", "", T0));

    List<ConversationMessage> before = sessions().completedConversationBefore("s1", 4);

    assertThat(before)
        .extracting(ConversationMessage::content)
        .containsExactly("ask t1", "answer t1", "ask t3", "answer t3");
  }

  @Test
  void an_answer_is_stored_with_the_text_so_far_at_once() {
    aSession("s1");
    sessions().enqueueTurn("s1", "t1", "hi", T0, Optional.empty());
    sessions().markRunning("t1", T0, List.of(message("t1", 0, "hi")));

    sessions().appendAnswer(message("t1", 1, "hello there"), "hello there");

    assertThat(sessions().messagesOf("t1"))
        .extracting(ConversationMessage::content)
        .containsExactly("hi", "hello there");
    assertThat(sessions().findTurn("t1").orElseThrow().assistantText()).isEqualTo("hello there");
  }

  private static ConversationMessage message(String turnId, int index, String content) {
    return new ConversationMessage(
        turnId,
        index,
        index == 0 ? ConversationMessage.Role.USER : ConversationMessage.Role.ASSISTANT,
        content,
        List.of(),
        Optional.empty(),
        Optional.empty(),
        T0);
  }

  @Test
  void a_failed_turn_keeps_its_partial_text_and_error() {
    aSession("s1");
    sessions().enqueueTurn("s1", "t1", "hi", T0, Optional.empty());
    sessions().markRunning("t1", T0);
    sessions().saveAssistantText("t1", "half an ans");

    sessions()
        .finishTurn(
            "t1",
            Set.of(TurnStatus.RUNNING),
            TurnEnd.failed(TurnErrorCode.LLM_ERROR, "stream broke", "half an answer", T0));

    Turn stored = sessions().findTurn("t1").orElseThrow();
    assertThat(stored.status()).isEqualTo(TurnStatus.FAILED);
    assertThat(stored.assistantText()).isEqualTo("half an answer");
    assertThat(stored.error())
        .contains(new Turn.TurnError(TurnErrorCode.LLM_ERROR, "stream broke"));
  }

  @Test
  void messages_with_tool_calls_round_trip_in_order() {
    aSession("s1");
    sessions().enqueueTurn("s1", "t1", "hi", T0, Optional.empty());
    ConversationMessage user =
        new ConversationMessage(
            "t1",
            0,
            ConversationMessage.Role.USER,
            "list files",
            List.of(),
            Optional.empty(),
            Optional.empty(),
            T0);
    ConversationMessage assistant =
        new ConversationMessage(
            "t1",
            1,
            ConversationMessage.Role.ASSISTANT,
            "",
            List.of(new ToolCall("call_1", "list_dir", "{\"path\":\".\"}")),
            Optional.empty(),
            Optional.empty(),
            T0);
    ConversationMessage tool =
        new ConversationMessage(
            "t1",
            2,
            ConversationMessage.Role.TOOL,
            "a.txt\nb.txt",
            List.of(),
            Optional.of("call_1"),
            Optional.of("list_dir"),
            T0);

    sessions().appendMessage(user);
    sessions().appendMessage(assistant);
    sessions().appendMessage(tool);

    assertThat(sessions().messagesOf("t1")).containsExactly(user, assistant, tool);
  }

  @Test
  void policies_are_set_per_tool_and_replaced() {
    aSession("s1");

    sessions().putPolicies("s1", Map.of("run_command", "allow", "write_file", "deny"));
    sessions().putPolicies("s1", Map.of("write_file", "ask"));

    assertThat(sessions().policiesOf("s1"))
        .isEqualTo(Map.of("run_command", "allow", "write_file", "ask"));
  }

  @Test
  void deleting_a_session_deletes_its_turns_messages_and_policies() {
    aSession("s1");
    aSession("s2");
    sessions().enqueueTurn("s1", "t1", "hi", T0, Optional.empty());
    sessions().enqueueTurn("s2", "t2", "hi", T0, Optional.empty());
    sessions()
        .appendMessage(
            new ConversationMessage(
                "t1",
                0,
                ConversationMessage.Role.USER,
                "hi",
                List.of(),
                Optional.empty(),
                Optional.empty(),
                T0));
    sessions().putPolicies("s1", Map.of("run_command", "allow"));

    boolean deleted = sessions().deleteSession("s1");
    boolean again = sessions().deleteSession("s1");

    assertThat(deleted).isTrue();
    assertThat(again).isFalse();
    assertThat(sessions().findTurn("t1")).isEmpty();
    assertThat(sessions().messagesOf("t1")).isEmpty();
    assertThat(sessions().policiesOf("s1")).isEmpty();
    assertThat(sessions().findTurn("t2")).isPresent();
  }

  @Test
  void an_approval_round_trips_and_is_listed_by_status() {
    Approval pending = aPendingApproval("a1", "t1", Optional.of(T0.plusSeconds(60)));
    approvals().insert(pending);
    approvals().insert(aPendingApproval("a2", "t1", Optional.empty()));
    approvals()
        .resolve(
            "a2", new Approval.Decision(ApprovalStatus.DENIED, Optional.empty(), "cli", "", T0));

    assertThat(approvals().find("a1")).contains(pending);
    assertThat(approvals().list(Optional.of(ApprovalStatus.PENDING), 100))
        .extracting(Approval::id)
        .containsExactly("a1");
    assertThat(approvals().list(Optional.empty(), 100)).hasSize(2);
    assertThat(approvals().findByToolCall("t1", "call-a1")).contains(pending);
    assertThat(approvals().pendingOfTurn("t1")).extracting(Approval::id).containsExactly("a1");
  }

  @Test
  void the_first_decision_wins_and_later_ones_see_it() {
    approvals().insert(aPendingApproval("a1", "t1", Optional.empty()));

    ApprovalStore.Resolution first =
        approvals()
            .resolve(
                "a1",
                new Approval.Decision(
                    ApprovalStatus.APPROVED,
                    Optional.of(ApprovalScope.SESSION),
                    "alice",
                    "looks fine",
                    T0.plusSeconds(1)));
    ApprovalStore.Resolution second =
        approvals()
            .resolve(
                "a1",
                new Approval.Decision(
                    ApprovalStatus.DENIED, Optional.empty(), "bob", "no", T0.plusSeconds(2)));
    ApprovalStore.Resolution missing =
        approvals()
            .resolve(
                "nope",
                new Approval.Decision(ApprovalStatus.DENIED, Optional.empty(), "bob", "", T0));

    assertThat(first).isInstanceOf(ApprovalStore.Resolution.Won.class);
    assertThat(second).isInstanceOf(ApprovalStore.Resolution.AlreadyResolved.class);
    Approval stored = ((ApprovalStore.Resolution.AlreadyResolved) second).approval();
    assertThat(stored.status()).isEqualTo(ApprovalStatus.APPROVED);
    assertThat(stored.decidedBy()).contains("alice");
    assertThat(stored.reason()).contains("looks fine");
    assertThat(stored.scope()).contains(ApprovalScope.SESSION);
    assertThat(stored.decidedAt()).contains(T0.plusSeconds(1));
    assertThat(missing).isEqualTo(new ApprovalStore.Resolution.Missing("nope"));
  }

  @Test
  void of_concurrent_decisions_exactly_one_wins() throws Exception {
    approvals().insert(aPendingApproval("a1", "t1", Optional.empty()));
    CountDownLatch go = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    List<Future<ApprovalStore.Resolution>> futures = new ArrayList<>();
    try {
      for (int i = 0; i < 8; i++) {
        String who = "client" + i;
        futures.add(
            pool.submit(
                () -> {
                  go.await();
                  return approvals()
                      .resolve(
                          "a1",
                          new Approval.Decision(
                              ApprovalStatus.APPROVED, Optional.empty(), who, "", T0));
                }));
      }
      go.countDown();
      int won = 0;
      for (Future<ApprovalStore.Resolution> future : futures) {
        if (future.get() instanceof ApprovalStore.Resolution.Won) {
          won++;
        }
      }

      assertThat(won).isEqualTo(1);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void only_pending_approvals_past_their_expiry_are_due() {
    approvals().insert(aPendingApproval("soon", "t1", Optional.of(T0.plusSeconds(10))));
    approvals().insert(aPendingApproval("later", "t1", Optional.of(T0.plusSeconds(100))));
    approvals().insert(aPendingApproval("never", "t1", Optional.empty()));

    assertThat(approvals().pendingExpiredAt(T0.plusSeconds(10)))
        .extracting(Approval::id)
        .containsExactly("soon");
    assertThat(approvals().pendingExpiredAt(T0.plusSeconds(5))).isEmpty();
  }
}
