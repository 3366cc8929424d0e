package dev.capstan.daemon.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.capstan.agent.AgentRegistry;
import dev.capstan.approval.Approval;
import dev.capstan.approval.ApprovalScope;
import dev.capstan.approval.ApprovalSettings;
import dev.capstan.approval.ApprovalStatus;
import dev.capstan.approval.Approvals;
import dev.capstan.builtin.BuiltinAgent;
import dev.capstan.config.CapstanSettings;
import dev.capstan.daemon.git.TestRepos;
import dev.capstan.event.StreamName;
import dev.capstan.id.RandomIds;
import dev.capstan.llm.CircuitBreaker;
import dev.capstan.llm.OpenAiCompatibleClient;
import dev.capstan.llm.testing.LlmScript;
import dev.capstan.llm.testing.ScriptedLlmServer;
import dev.capstan.session.AgentLoop;
import dev.capstan.session.AgentSettings;
import dev.capstan.store.jdbc.JdbcApprovalStore;
import dev.capstan.store.jdbc.JdbcSessionStore;
import dev.capstan.task.Attempt;
import dev.capstan.task.AttemptOutcome;
import dev.capstan.task.NewTask;
import dev.capstan.task.Repo;
import dev.capstan.task.Task;
import dev.capstan.task.TaskState;
import dev.capstan.time.Clocks;
import dev.capstan.tool.ToolLimits;
import dev.capstan.tool.ToolPolicy;
import dev.capstan.tool.ToolRegistry;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built-in agent as a task agent, on real parts: SQLite, git worktrees, the agent loop the
 * sessions use, and a scripted OpenAI-compatible server. Policies: {@code write_file} allowed,
 * {@code run_command} asks.
 */
class BuiltinTaskTest {
  @TempDir Path home;
  private ScriptedLlmServer llmServer;
  private TaskFixture fixture;
  private Approvals approvals;
  private Repo repo;

  @BeforeEach
  void start() throws Exception {
    llmServer = ScriptedLlmServer.start().models("local-model");
    fixture = new TaskFixture(home, CapstanSettings.TaskSettings.DEFAULTS, this::registry);
    repo = fixture.repo("web", "true");
  }

  private AgentRegistry registry(TaskFixture fixture) {
    approvals =
        new Approvals(
            new JdbcApprovalStore(fixture.database),
            fixture.events,
            Clocks.system(),
            ApprovalSettings.DEFAULTS,
            new RandomIds(new SecureRandom()),
            (session, tool) -> {});
    CapstanSettings.LlmSettings defaults =
        CapstanSettings.LlmSettings.defaults(llmServer.baseUrl());
    OpenAiCompatibleClient llm =
        new OpenAiCompatibleClient(
            new CapstanSettings.LlmSettings(
                llmServer.baseUrl(),
                Optional.empty(),
                Duration.ofSeconds(2),
                Duration.ofSeconds(2),
                Duration.ofSeconds(2),
                Duration.ofSeconds(30),
                0,
                defaults.healthInterval()),
            Optional.empty(),
            new CircuitBreaker(100, Duration.ofMillis(1), Duration.ofMillis(1), System::nanoTime));
    AgentLoop loop =
        new AgentLoop(
            new JdbcSessionStore(fixture.database),
            new JdbcApprovalStore(fixture.database),
            approvals,
            fixture.events,
            llm,
            ToolRegistry.builtin(),
            new AgentSettings(
                5,
                Map.of("write_file", ToolPolicy.ALLOW, "run_command", ToolPolicy.ASK),
                ToolLimits.DEFAULTS),
            Clocks.system());
    return AgentRegistry.builtIn(
        new BuiltinAgent(loop, approvals, fixture.waits, Thread.ofVirtual().factory()));
  }

  @AfterEach
  void stop() throws Exception {
    fixture.close();
    llmServer.close();
  }

  @Test
  void a_builtin_task_that_writes_a_file_completes_with_the_change_committed() {
    llmServer.enqueue(
        LlmScript.callTool("c1", "write_file", "{\"path\":\"NOTES.md\",\"content\":\"hello\\n\"}"));
    llmServer.enqueue(LlmScript.reply("Wrote NOTES.md."));

    Task task = submit("write the notes");

    Task done = awaitState(task.id(), TaskState.COMPLETED);
    assertThat(
            TestRepos.git(Path.of(repo.path()), "show", done.branch().orElseThrow() + ":NOTES.md")
                .strip())
        .isEqualTo("hello");
    assertThat(fixture.output(task.id())).contains("[tool] write_file").contains("Wrote NOTES.md.");
    assertThat(lastAttempt(task.id()).outcome()).isEqualTo(AttemptOutcome.SUCCEEDED);
  }

  @Test
  void an_ask_tool_shows_as_pending_reason_and_approving_it_completes_the_task() {
    llmServer.enqueue(
        LlmScript.callTool("c1", "run_command", "{\"command\":\"echo ran > RAN.txt\"}"));
    llmServer.enqueue(LlmScript.reply("Done."));

    Task task = submit("run it");
    Approval pending = awaitPendingApproval(task.id());

    assertThat(fixture.engine.pendingReason(task.id()))
        .contains("waiting for approval " + pending.id() + " (run_command)");
    assertThat(eventTypes(task.id())).contains("permission.request", "task.pending");
    approvals.decide(pending.id(), new Approvals.Verdict(true, ApprovalScope.ONCE, "test", ""));
    Task done = awaitState(task.id(), TaskState.COMPLETED);
    assertThat(fixture.engine.pendingReason(task.id())).isEmpty();
    assertThat(
            TestRepos.git(Path.of(repo.path()), "show", done.branch().orElseThrow() + ":RAN.txt")
                .strip())
        .isEqualTo("ran");
  }

  @Test
  void denying_lets_the_model_go_on_without_running_the_call() {
    llmServer.enqueue(
        LlmScript.callTool("c1", "run_command", "{\"command\":\"echo ran > RAN.txt\"}"));
    llmServer.enqueue(LlmScript.reply("I did not run it."));

    Task task = submit("run it");
    Approval pending = awaitPendingApproval(task.id());
    approvals.decide(pending.id(), new Approvals.Verdict(false, ApprovalScope.ONCE, "test", "no"));

    Task done = awaitState(task.id(), TaskState.COMPLETED);
    assertThat(Path.of(done.workspace().orElseThrow()).resolve("RAN.txt")).doesNotExist();
    assertThat(llmServer.chatBodies().get(1).toString()).contains("The user denied this call");
  }

  @Test
  void cancel_while_waiting_resolves_the_approval_cancelled_and_commits_nothing() {
    llmServer.enqueue(
        LlmScript.callTool("c1", "write_file", "{\"path\":\"A.md\",\"content\":\"a\"}"));
    llmServer.enqueue(
        LlmScript.callTool("c2", "run_command", "{\"command\":\"echo ran > RAN.txt\"}"));

    Task task = submit("write then run");
    Approval pending = awaitPendingApproval(task.id());
    fixture.engine.cancel(task.id());

    assertThat(approvals.get(pending.id()).status()).isEqualTo(ApprovalStatus.CANCELLED);
    Task cancelled = awaitState(task.id(), TaskState.CANCELLED);
    String base = TestRepos.git(Path.of(repo.path()), "rev-parse", repo.baseBranch()).strip();
    assertThat(
            TestRepos.git(Path.of(repo.path()), "rev-parse", cancelled.branch().orElseThrow())
                .strip())
        .isEqualTo(base);
    assertThat(fixture.engine.pendingReason(task.id())).isEmpty();
  }

  @Test
  void an_unreachable_llm_fails_the_attempt_with_its_code_and_a_retry_works_once_it_is_back() {
    llmServer.stop();

    Task task = submit("say hi");
    awaitState(task.id(), TaskState.FAILED);
    assertThat(lastAttempt(task.id()).reason().orElseThrow()).startsWith("LLM_UNREACHABLE");

    llmServer.restart();
    llmServer.enqueue(LlmScript.reply("Hi."));
    fixture.engine.retry(task.id());
    awaitState(task.id(), TaskState.COMPLETED);
  }

  private Task submit(String prompt) {
    return fixture.engine.submit(
        new NewTask(repo.name(), "", prompt, BuiltinAgent.NAME, Optional.empty(), 0));
  }

  private Task awaitState(long id, TaskState state) {
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> fixture.store.findTask(id).orElseThrow().state() == state);
    return fixture.store.findTask(id).orElseThrow();
  }

  private Approval awaitPendingApproval(long taskId) {
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> fixture.engine.pendingReason(taskId).isPresent());
    return approvals.list(Optional.of(ApprovalStatus.PENDING), 10).stream()
        .filter(a -> a.taskId().equals(Optional.of(taskId)))
        .findFirst()
        .orElseThrow();
  }

  private Attempt lastAttempt(long taskId) {
    List<Attempt> attempts = fixture.store.attempts(taskId);
    return attempts.get(attempts.size() - 1);
  }

  private List<String> eventTypes(long taskId) {
    return fixture.eventsOf(StreamName.task(taskId)).stream().map(e -> e.type()).toList();
  }
}
