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
import dev.capstan.json.Json;
import dev.capstan.llm.CircuitBreaker;
import dev.capstan.llm.OpenAiCompatibleClient;
import dev.capstan.llm.testing.LlmScript;
import dev.capstan.llm.testing.ScriptedLlmServer;
import dev.capstan.runtime.RunMarker;
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
import java.nio.file.Files;
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
  private ApprovalSettings approvalSettings = ApprovalSettings.DEFAULTS;

  @BeforeEach
  void start() throws Exception {
    llmServer = ScriptedLlmServer.start().models("local-model");
    boot(home, CapstanSettings.TaskSettings.DEFAULTS);
  }

  /** Replaces the fixture by one over {@code dir} with other task and approval settings. */
  private void reboot(CapstanSettings.TaskSettings settings, ApprovalSettings approvalSettings)
      throws Exception {
    fixture.close();
    this.approvalSettings = approvalSettings;
    boot(java.nio.file.Files.createDirectories(home.resolve("other")), settings);
  }

  private void boot(Path dir, CapstanSettings.TaskSettings settings) throws Exception {
    fixture = new TaskFixture(dir, settings, this::registry);
    repo = fixture.repo("web", "true");
  }

  private static CapstanSettings.TaskSettings timeouts(Duration run, Duration idle) {
    CapstanSettings.TaskSettings d = CapstanSettings.TaskSettings.DEFAULTS;
    return new CapstanSettings.TaskSettings(
        d.maxConcurrent(),
        d.repoMaxConcurrent(),
        d.provisionTimeout(),
        run,
        idle,
        d.autoRetryLimit(),
        d.retryLimit(),
        d.agentNice(),
        d.healthInterval(),
        d.worktreeRetention(),
        d.commitAuthorName(),
        d.commitAuthorEmail(),
        d.commitMessage());
  }

  private AgentRegistry registry(TaskFixture fixture) {
    approvals =
        new Approvals(
            new JdbcApprovalStore(fixture.database),
            fixture.events,
            Clocks.system(),
            approvalSettings,
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
    // why: events are stored on the event log's writer thread, a moment after the approval row.
    await("permission and pending events of task " + task.id())
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> eventTypes(task.id()).containsAll(List.of("permission.request", "task.pending")));
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

  @Test
  void a_command_left_running_by_a_dead_daemon_carries_the_marker_and_recovery_kills_it()
      throws Exception {
    Path pidFile = home.resolve("command.pid");
    llmServer.enqueue(
        LlmScript.callTool(
            "c1",
            "run_command",
            Json.mapper()
                .createObjectNode()
                .put("command", "echo $$ > '" + pidFile + "'; exec sleep 300")
                .toString()));
    llmServer.otherwise(LlmScript.reply("Done."));

    Task task = submit("run a long command");
    Approval pending = awaitPendingApproval(task.id());
    approvals.decide(pending.id(), new Approvals.Verdict(true, ApprovalScope.ONCE, "test", ""));
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> Files.exists(pidFile) && !Files.readString(pidFile).isBlank());
    long pid = Long.parseLong(Files.readString(pidFile).strip());
    assertThat(environmentOf(pid))
        .contains(
            RunMarker.ENV + "=" + new RunMarker(RunMarker.homeHash(home), task.id(), 1).value())
        .noneMatch(
            variable -> variable.startsWith("CAPSTAN_") && !variable.startsWith(RunMarker.ENV));
    // while the attempt runs, its command is not an orphan of this daemon
    assertThat(fixture.runtime.findOrphans()).isEmpty();

    fixture.crashAndBoot();

    await().atMost(Duration.ofSeconds(10)).until(() -> !alive(pid));
    assertThat(fixture.store.recentHealth(20))
        .anySatisfy(
            event -> {
              assertThat(event.kind()).isEqualTo(dev.capstan.task.HealthKind.ORPHAN_CLEANED);
              assertThat(event.message()).contains("process " + pid + " of task " + task.id());
            });
    assertThat(lastAttempt(task.id()).number()).isGreaterThanOrEqualTo(2);
    assertThat(fixture.store.attempts(task.id()).get(0).outcome())
        .isEqualTo(AttemptOutcome.INTERRUPTED);
    awaitState(task.id(), TaskState.COMPLETED);
  }

  @Test
  void the_idle_clock_stands_still_while_an_approval_waits_but_the_run_timeout_fires()
      throws Exception {
    reboot(timeouts(Duration.ofSeconds(4), Duration.ofMillis(800)), ApprovalSettings.DEFAULTS);
    llmServer.enqueue(
        LlmScript.callTool("c1", "run_command", "{\"command\":\"echo ran > RAN.txt\"}"));

    Task task = submit("run it");
    Approval pending = awaitPendingApproval(task.id());

    Task failed = awaitState(task.id(), TaskState.FAILED);
    Attempt attempt = lastAttempt(task.id());
    assertThat(attempt.outcome()).isEqualTo(AttemptOutcome.TIMED_OUT);
    assertThat(attempt.reason().orElseThrow()).contains("run timeout").doesNotContain("idle");
    assertThat(approvals.get(pending.id()).status()).isEqualTo(ApprovalStatus.CANCELLED);
    assertThat(fixture.engine.pendingReason(task.id())).isEmpty();
    assertThat(Path.of(failed.workspace().orElseThrow()).resolve("RAN.txt")).doesNotExist();
  }

  @Test
  void a_model_that_goes_quiet_hits_the_idle_timeout() throws Exception {
    reboot(timeouts(Duration.ofSeconds(30), Duration.ofMillis(500)), ApprovalSettings.DEFAULTS);
    llmServer.enqueue(LlmScript.stream().text("Thinking").stall());

    Task task = submit("think");

    awaitState(task.id(), TaskState.FAILED);
    Attempt attempt = lastAttempt(task.id());
    assertThat(attempt.outcome()).isEqualTo(AttemptOutcome.TIMED_OUT);
    assertThat(attempt.reason().orElseThrow()).contains("idle timeout");
    llmServer.releaseStalls();
  }

  @Test
  void an_approval_nobody_answers_in_time_is_denied_and_the_task_goes_on() throws Exception {
    reboot(
        CapstanSettings.TaskSettings.DEFAULTS,
        new ApprovalSettings(
            Optional.of(Duration.ofMillis(300)), ApprovalSettings.TimeoutAction.DENY));
    llmServer.enqueue(
        LlmScript.callTool("c1", "run_command", "{\"command\":\"echo ran > RAN.txt\"}"));
    llmServer.enqueue(LlmScript.reply("It was not approved."));

    Task task = submit("run it");
    Approval pending = awaitPendingApproval(task.id());
    // the daemon's expiry loop, run by hand
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> {
              approvals.expireDue();
              return approvals.get(pending.id()).status() == ApprovalStatus.EXPIRED;
            });

    Task done = awaitState(task.id(), TaskState.COMPLETED);
    assertThat(Path.of(done.workspace().orElseThrow()).resolve("RAN.txt")).doesNotExist();
    assertThat(llmServer.chatBodies().get(1).toString())
        .contains("Nobody approved this call in time");
    assertThat(fixture.output(task.id())).contains("It was not approved.");
  }

  private static List<String> environmentOf(long pid) throws Exception {
    byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "environ"));
    return List.of(new String(raw, java.nio.charset.StandardCharsets.UTF_8).split("\0"));
  }

  private static boolean alive(long pid) {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
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
