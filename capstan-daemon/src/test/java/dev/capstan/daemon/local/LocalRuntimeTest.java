package dev.capstan.daemon.local;

import static dev.capstan.daemon.git.TestRepos.git;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.capstan.agent.AgentTask;
import dev.capstan.agent.CommandAgent;
import dev.capstan.daemon.git.FileTrees;
import dev.capstan.daemon.git.Git;
import dev.capstan.daemon.git.TestRepos;
import dev.capstan.runtime.AgentRun;
import dev.capstan.runtime.Cancellation;
import dev.capstan.runtime.CommitRequest;
import dev.capstan.runtime.CommitResult;
import dev.capstan.runtime.DeathCause;
import dev.capstan.runtime.Diffstat;
import dev.capstan.runtime.LaunchRequest;
import dev.capstan.runtime.OrphanProcess;
import dev.capstan.runtime.OutputSink;
import dev.capstan.runtime.ProvisionRequest;
import dev.capstan.runtime.ProvisionRequest.BranchMode;
import dev.capstan.runtime.ProvisionResult;
import dev.capstan.runtime.RunLimits;
import dev.capstan.runtime.RunMarker;
import dev.capstan.runtime.RunResult;
import dev.capstan.runtime.RunResult.TimeoutPhase;
import dev.capstan.runtime.Workspace;
import dev.capstan.runtime.WorkspaceUsage;
import dev.capstan.runtime.Workspaces;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalRuntimeTest {
  private static final Duration PROVISION = Duration.ofSeconds(30);
  private static final RunLimits LIMITS =
      new RunLimits(Duration.ofSeconds(30), Duration.ofSeconds(30));
  private static final CommitRequest COMMIT =
      new CommitRequest("Capstan", "capstan@localhost", "capstan: task result");
  private static final Map<String, String> PARENT_ENV =
      Map.of(
          "PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"),
          "HOME", System.getProperty("java.io.tmpdir"),
          "LANG", "C.UTF-8",
          "CAPSTAN_TOKEN", "daemon-token-must-not-leak",
          "OPENAI_API_KEY", "sk-must-not-leak",
          "AWS_SECRET_ACCESS_KEY", "aws-must-not-leak");

  @TempDir Path tmp;
  private Path home;
  private Path repo;
  private LocalRuntime runtime;
  private final List<Process> started = new ArrayList<>();

  @BeforeEach
  void setUp() throws IOException {
    home = Files.createDirectories(tmp.resolve("home"));
    repo = TestRepos.create(tmp.resolve("acme"));
    runtime =
        new LocalRuntime(
            new LocalRuntimeSettings(
                home, PARENT_ENV, Duration.ofSeconds(1), Duration.ofSeconds(30)),
            TestRepos.GIT,
            Thread.ofVirtual().factory());
  }

  @AfterEach
  void tearDown() {
    started.forEach(Process::destroyForcibly);
    runtime.killOrphans();
  }

  @Test
  void
      provisioning_creates_a_worktree_on_a_new_branch_from_base_and_leaves_the_users_checkout_alone()
          throws Exception {
    Files.writeString(repo.resolve("README.md"), "user's unsaved edit\n");
    Files.writeString(repo.resolve("staged.txt"), "staged\n");
    git(repo, "add", "staged.txt");
    String statusBefore = git(repo, "status", "--porcelain");
    String headBefore = git(repo, "rev-parse", "HEAD");
    String mainBefore = git(repo, "rev-parse", "main");

    Workspace workspace = provision(42, 1, BranchMode.CREATE, Optional.empty());

    assertThat(workspace.path()).isEqualTo(home.toRealPath().resolve("worktrees/acme/task-42"));
    assertThat(workspace.branch()).isEqualTo("capstan/task-42");
    assertThat(workspace.baseCommit()).isEqualTo(mainBefore);
    assertThat(git(workspace.path(), "rev-parse", "--abbrev-ref", "HEAD"))
        .isEqualTo("capstan/task-42");
    assertThat(workspace.path().resolve("README.md")).hasContent("hello");
    assertThat(git(repo, "status", "--porcelain")).isEqualTo(statusBefore);
    assertThat(git(repo, "rev-parse", "HEAD")).isEqualTo(headBefore);
    assertThat(git(repo, "rev-parse", "--abbrev-ref", "HEAD")).isEqualTo("main");
  }

  @Test
  void the_agents_changes_are_committed_on_the_kept_branch_with_their_diffstat() throws Exception {
    Workspace workspace = provision(7, 1, BranchMode.CREATE, Optional.empty());
    String main = git(repo, "rev-parse", "main");

    RunResult result =
        run(workspace, "printf 'a\\nb\\nc\\n' > new.txt && printf 'bye\\n' > README.md").await();
    CommitResult commit = runtime.finish(workspace, COMMIT);
    runtime.remove(workspace.ref());

    assertThat(result).isEqualTo(new RunResult.Exited(0));
    assertThat(commit.committedChanges()).isTrue();
    assertThat(commit.diffstat()).isEqualTo(new Diffstat(2, 4, 1));
    assertThat(workspace.path()).doesNotExist();
    assertThat(git(repo, "rev-parse", "capstan/task-7")).isEqualTo(commit.commit());
    assertThat(git(repo, "log", "-1", "--format=%an <%ae> %s", "capstan/task-7"))
        .isEqualTo("Capstan <capstan@localhost> capstan: task result");
    assertThat(git(repo, "rev-parse", "main")).isEqualTo(main);
    assertThat(git(repo, "status", "--porcelain")).isEmpty();
  }

  @Test
  void commits_the_agent_made_itself_count_and_a_clean_tree_makes_no_extra_commit()
      throws Exception {
    Workspace workspace = provision(8, 1, BranchMode.CREATE, Optional.empty());

    run(
            workspace,
            "echo one > one.txt && git add one.txt && git -c user.name=A -c user.email=a@b commit -qm one")
        .await();
    CommitResult commit = runtime.finish(workspace, COMMIT);

    assertThat(commit.committedChanges()).isFalse();
    assertThat(commit.diffstat()).isEqualTo(new Diffstat(1, 1, 0));
    assertThat(git(repo, "log", "-1", "--format=%s", "capstan/task-8")).isEqualTo("one");
  }

  @Test
  void the_setup_command_runs_in_the_worktree_and_its_output_is_streamed() throws Exception {
    StringBuilder output = new StringBuilder();

    ProvisionResult result =
        runtime.provision(
            request(
                9,
                1,
                BranchMode.CREATE,
                Optional.of("echo setting up; echo ok > .setup-done"),
                PROVISION),
            output::append,
            new Cancellation());

    assertThat(result).isInstanceOf(ProvisionResult.Ready.class);
    Path path = ((ProvisionResult.Ready) result).workspace().path();
    assertThat(path.resolve(".setup-done")).hasContent("ok");
    assertThat(output.toString()).isEqualTo("setting up\n");
  }

  @Test
  void a_failing_setup_command_fails_provisioning_with_its_exit_code() {
    ProvisionResult result =
        runtime.provision(
            request(10, 1, BranchMode.CREATE, Optional.of("exit 3"), PROVISION),
            OutputSink.DISCARD,
            new Cancellation());

    assertThat(result)
        .isEqualTo(new ProvisionResult.Failed("the setup command exited with code 3"));
  }

  @Test
  void a_hanging_setup_command_times_out_provisioning_and_is_killed() throws Exception {
    Path pidFile = tmp.resolve("setup.pid");
    long startNanos = System.nanoTime();

    ProvisionResult result =
        runtime.provision(
            request(
                11,
                1,
                BranchMode.CREATE,
                Optional.of("echo $$ > " + pidFile + "; sleep 1000"),
                Duration.ofSeconds(2)),
            OutputSink.DISCARD,
            new Cancellation());

    assertThat(result).isInstanceOf(ProvisionResult.TimedOut.class);
    assertThat(((ProvisionResult.TimedOut) result).reason())
        .contains("provisioning took longer than PT2S")
        .contains("setup command");
    assertThat(Duration.ofNanos(System.nanoTime() - startNanos)).isLessThan(Duration.ofSeconds(8));
    long pid = Long.parseLong(Files.readString(pidFile).strip());
    await()
        .atMost(5, TimeUnit.SECONDS)
        .until(
            () ->
                ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) == false
                    || zombie(pid));
  }

  @Test
  void cancelling_provisioning_kills_the_setup_command() throws Exception {
    Cancellation cancellation = new Cancellation();
    Thread.ofVirtual()
        .start(
            () -> {
              await()
                  .atMost(10, TimeUnit.SECONDS)
                  .until(() -> Files.exists(home.resolve("worktrees/acme/task-12/.started")));
              cancellation.cancel();
            });

    ProvisionResult result =
        runtime.provision(
            request(12, 1, BranchMode.CREATE, Optional.of("touch .started; sleep 1000"), PROVISION),
            OutputSink.DISCARD,
            cancellation);

    assertThat(result).isEqualTo(new ProvisionResult.Cancelled());
  }

  @Test
  void cancel_kills_the_agent_and_its_grandchildren_within_five_seconds() throws Exception {
    Workspace workspace = provision(13, 1, BranchMode.CREATE, Optional.empty());
    AgentRun run =
        run(workspace, "sleep 1000 & sleep 1000 & echo started; wait", new StringBuilder()::append);
    long pid = run.pid().orElseThrow();
    await()
        .atMost(10, TimeUnit.SECONDS)
        .until(() -> ProcessHandle.of(pid).orElseThrow().descendants().count() >= 2);
    List<ProcessHandle> grandchildren = ProcessHandle.of(pid).orElseThrow().descendants().toList();
    // why: the agent leads its own process group, and its children are in it.
    for (ProcessHandle child : grandchildren) {
      assertThat(ProcFs.system().processGroup(child.pid())).isEqualTo(OptionalLong.of(pid));
    }
    long startNanos = System.nanoTime();

    run.cancel();
    Optional<RunResult> result = run.await(Duration.ofSeconds(5));

    assertThat(result).contains(new RunResult.Cancelled());
    assertThat(Duration.ofNanos(System.nanoTime() - startNanos)).isLessThan(Duration.ofSeconds(5));
    assertThat(grandchildren).allMatch(child -> !child.isAlive() || zombie(child.pid()));
    assertThat(run.isAlive()).isFalse();
  }

  @Test
  void a_grandchild_that_leaves_the_group_is_still_killed_by_its_marker() throws Exception {
    Workspace workspace = provision(14, 1, BranchMode.CREATE, Optional.empty());
    Path pidFile = workspace.path().resolve("escaped.pid");
    AgentRun run =
        run(workspace, "setsid sh -c 'echo $$ > escaped.pid; exec sleep 1000' & sleep 1000");
    await()
        .atMost(10, TimeUnit.SECONDS)
        .until(() -> Files.exists(pidFile) && !Files.readString(pidFile).isBlank());
    long escaped = Long.parseLong(Files.readString(pidFile).strip());

    run.cancel();
    run.await(Duration.ofSeconds(5));

    await()
        .atMost(5, TimeUnit.SECONDS)
        .until(
            () -> ProcessHandle.of(escaped).map(h -> !h.isAlive()).orElse(true) || zombie(escaped));
  }

  @Test
  void an_agent_that_exits_leaves_no_process_behind_in_its_group_or_outside_it() throws Exception {
    Workspace workspace = provision(43, 1, BranchMode.CREATE, Optional.empty());
    Path inGroup = workspace.path().resolve("child.pid");
    Path escapedFile = workspace.path().resolve("escaped.pid");

    RunResult result =
        run(
                workspace,
                "sleep 1000 > /dev/null 2>&1 & echo $! > child.pid;"
                    + " setsid sh -c 'echo $$ > escaped.pid; exec sleep 1000' > /dev/null 2>&1 &"
                    + " while [ ! -s escaped.pid ]; do sleep 0.05; done; exit 0")
            .await();

    assertThat(result).isEqualTo(new RunResult.Exited(0));
    long child = Long.parseLong(Files.readString(inGroup).strip());
    long escaped = Long.parseLong(Files.readString(escapedFile).strip());
    await()
        .atMost(5, TimeUnit.SECONDS)
        .until(
            () ->
                (ProcessHandle.of(child).map(h -> !h.isAlive()).orElse(true) || zombie(child))
                    && (ProcessHandle.of(escaped).map(h -> !h.isAlive()).orElse(true)
                        || zombie(escaped)));
  }

  @Test
  void the_run_timeout_kills_the_agent_and_says_so() throws Exception {
    Workspace workspace = provision(15, 1, BranchMode.CREATE, Optional.empty());

    RunResult result =
        runtime
            .launch(
                launchRequest(
                    workspace,
                    "while true; do echo tick; sleep 0.2; done",
                    new RunLimits(Duration.ofSeconds(1), Duration.ofSeconds(30)),
                    OutputSink.DISCARD))
            .await();

    assertThat(result).isEqualTo(new RunResult.TimedOut(TimeoutPhase.RUN, Duration.ofSeconds(1)));
    assertThat(((RunResult.TimedOut) result).reason()).contains("run timeout");
  }

  @Test
  void agents_and_git_run_at_the_niceness_of_the_launcher_and_an_agent_keeps_its_pid()
      throws Exception {
    List<String> nice = Niceness.launcher(7);
    Path niceHome = Files.createDirectories(tmp.resolve("nice-home"));
    Path niceRepo = TestRepos.create(tmp.resolve("nice-repo"));
    LocalRuntime niced =
        new LocalRuntime(
            new LocalRuntimeSettings(
                niceHome, PARENT_ENV, Duration.ofSeconds(1), Duration.ofSeconds(30), nice),
            new Git("git", Map.of("PATH", System.getenv("PATH"), "HOME", tmp.toString()), nice),
            Thread.ofVirtual().factory());
    ProvisionResult provisioned =
        niced.provision(
            new ProvisionRequest(
                "nice-repo",
                niceRepo,
                31,
                1,
                "main",
                "capstan/task-31",
                BranchMode.CREATE,
                Optional.of("nice > setup-niceness"),
                PROVISION),
            text -> {},
            new Cancellation());
    assertThat(provisioned).isInstanceOf(ProvisionResult.Ready.class);
    Workspace workspace = ((ProvisionResult.Ready) provisioned).workspace();
    StringBuilder output = new StringBuilder();

    AgentRun run =
        niced.launch(
            launchRequest(
                workspace,
                "echo \"$(nice) $$\"",
                new RunLimits(Duration.ofSeconds(30), Duration.ofSeconds(30)),
                output::append));
    RunResult result = run.await();

    assertThat(result).isEqualTo(new RunResult.Exited(0));
    assertThat(workspace.path().resolve("setup-niceness")).hasContent("7");
    assertThat(output.toString().strip().split(" ")[0]).isEqualTo("7");
    assertThat(output.toString().strip().split(" ")[1])
        .as("the shell is the process Capstan started, not a child of nice or setsid")
        .isEqualTo(Long.toString(run.pid().orElseThrow()));
    Git nicedGit = new Git("git", Map.of("PATH", System.getenv("PATH")), nice);
    assertThat(nicedGit.output(niceRepo, Duration.ofSeconds(30), "-c", "alias.n=!nice", "n"))
        .as("git and what it runs")
        .isEqualTo("7");
    assertThat(Niceness.launcher(0)).isEmpty();
  }

  @Test
  void the_idle_timeout_fires_when_the_agent_goes_quiet() throws Exception {
    Workspace workspace = provision(16, 1, BranchMode.CREATE, Optional.empty());
    StringBuilder output = new StringBuilder();

    RunResult result =
        runtime
            .launch(
                launchRequest(
                    workspace,
                    "echo working; sleep 1000",
                    new RunLimits(Duration.ofSeconds(30), Duration.ofSeconds(1)),
                    output::append))
            .await();

    assertThat(result).isEqualTo(new RunResult.TimedOut(TimeoutPhase.IDLE, Duration.ofSeconds(1)));
    assertThat(output.toString()).isEqualTo("working\n");
  }

  @Test
  void exit_codes_and_deaths_by_signal_are_told_apart() throws Exception {
    Workspace workspace = provision(17, 1, BranchMode.CREATE, Optional.empty());

    RunResult exited = run(workspace, "exit 3").await();
    RunResult crashed = run(workspace, "kill -SEGV $$").await();
    RunResult killed = run(workspace, "kill -KILL $$").await();

    assertThat(exited).isEqualTo(new RunResult.Exited(3));
    assertThat(crashed).isEqualTo(new RunResult.Killed(11, DeathCause.CRASHED));
    assertThat(killed).isInstanceOf(RunResult.Killed.class);
    assertThat(((RunResult.Killed) killed).exitCode()).isEqualTo(137);
  }

  @Test
  void the_agent_gets_a_minimal_environment_without_the_daemons_secrets() throws Exception {
    Workspace workspace = provision(18, 1, BranchMode.CREATE, Optional.empty());
    StringBuilder output = new StringBuilder();

    run(workspace, "env", output::append).await();

    List<String> names =
        output.toString().lines().map(line -> line.substring(0, line.indexOf('='))).toList();
    assertThat(output.toString())
        .doesNotContain("must-not-leak")
        .contains("CAPSTAN_TASK_ID=18\n", "CAPSTAN_ATTEMPT=1\n", "TERM=dumb\n")
        .contains("CAPSTAN_WORKSPACE=" + workspace.path() + "\n")
        .contains(RunMarker.ENV + "=" + runtime.homeHash() + "/18/1\n");
    assertThat(names)
        .allMatch(
            name ->
                List.of(
                            "PATH", "HOME", "LANG", "LC_ALL", "USER", "TMPDIR", "TERM", "PWD",
                            "SHLVL", "_")
                        .contains(name)
                    || name.startsWith("CAPSTAN_"));
    assertThat(names).doesNotContain("CAPSTAN_TOKEN");
  }

  @Test
  void a_hostile_prompt_arrives_verbatim_and_nothing_in_it_is_executed() throws Exception {
    String prompt =
        "it's \"quoted\"\nsecond line $(touch pwned) `touch pwned2` ${HOME} \\ ; | & *\n\tend 🚀";
    Workspace workspace = provision(19, 1, BranchMode.CREATE, Optional.empty());

    RunResult result =
        runtime
            .launch(
                new LaunchRequest(
                    workspace,
                    new CommandAgent(),
                    new AgentTask(
                        19,
                        1,
                        prompt,
                        Optional.of(
                            "printf '%s' \"$CAPSTAN_PROMPT\" > from-env.txt; cat \"$CAPSTAN_PROMPT_FILE\" > from-file.txt; echo \"$CAPSTAN_PROMPT_FILE\" > file-path.txt")),
                    LIMITS,
                    OutputSink.DISCARD))
            .await();

    assertThat(result).isEqualTo(new RunResult.Exited(0));
    assertThat(Files.readString(workspace.path().resolve("from-env.txt"))).isEqualTo(prompt);
    assertThat(Files.readString(workspace.path().resolve("from-file.txt"))).isEqualTo(prompt);
    Path promptFile = Path.of(Files.readString(workspace.path().resolve("file-path.txt")).strip());
    assertThat(promptFile).startsWith(home.toRealPath().resolve("runs"));
    assertThat(promptFile.startsWith(workspace.path())).isFalse();
    try (var files = Files.walk(tmp)) {
      assertThat(files.map(p -> p.getFileName().toString())).doesNotContain("pwned", "pwned2");
    }
    assertThat(git(workspace.path(), "status", "--porcelain")).doesNotContain("prompt");
  }

  @Test
  void a_huge_prompt_reaches_the_agent_through_its_file() throws Exception {
    String prompt = "x".repeat(1024 * 1024);
    Workspace workspace = provision(20, 1, BranchMode.CREATE, Optional.empty());

    RunResult result =
        runtime
            .launch(
                new LaunchRequest(
                    workspace,
                    new CommandAgent(),
                    new AgentTask(
                        20,
                        1,
                        prompt,
                        Optional.of(
                            "wc -c < \"$CAPSTAN_PROMPT_FILE\" > size.txt; echo \"${CAPSTAN_PROMPT:-unset}\" > env.txt")),
                    LIMITS,
                    OutputSink.DISCARD))
            .await();

    assertThat(result).isEqualTo(new RunResult.Exited(0));
    assertThat(Files.readString(workspace.path().resolve("size.txt")).strip()).isEqualTo("1048576");
    assertThat(Files.readString(workspace.path().resolve("env.txt")).strip()).isEqualTo("unset");
  }

  @Test
  void output_arrives_byte_exact_even_when_characters_are_split_across_writes() throws Exception {
    Workspace workspace = provision(21, 1, BranchMode.CREATE, Optional.empty());
    StringBuilder output = new StringBuilder();

    // The euro sign (e2 82 ac) and the rocket (f0 9f 9a 80) are written one byte at a time.
    run(
            workspace,
            "printf 'a\\342'; sleep 0.1; printf '\\202\\254b\\360\\237'; sleep 0.1; printf '\\232\\200\\n'",
            output::append)
        .await();

    assertThat(output.toString()).isEqualTo("a€b🚀\n");
    assertThat(output.toString().getBytes(StandardCharsets.UTF_8)).hasSize(10);
  }

  @Test
  void a_slow_sink_does_not_hold_the_agent_back() throws Exception {
    Workspace workspace = provision(28, 1, BranchMode.CREATE, Optional.empty());
    CountDownLatch release = new CountDownLatch(1);
    AtomicLong delivered = new AtomicLong();
    OutputSink slow =
        text -> {
          try {
            release.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          delivered.addAndGet(text.length());
        };

    AgentRun run =
        run(
            workspace,
            "head -c 200000 /dev/zero | tr '\\0' x; touch written.txt; sleep 1000",
            slow);

    await()
        .atMost(10, TimeUnit.SECONDS)
        .until(() -> Files.exists(workspace.path().resolve("written.txt")));
    assertThat(delivered).hasValue(0);
    release.countDown();
    await()
        .atMost(10, TimeUnit.SECONDS)
        .untilAsserted(() -> assertThat(delivered).hasValue(200_000));
    run.cancel();
    assertThat(run.await(Duration.ofSeconds(5))).contains(new RunResult.Cancelled());
  }

  @Test
  void concurrent_provisioning_on_one_repo_creates_every_worktree() throws Exception {
    List<Thread> threads = new ArrayList<>();
    List<ProvisionResult> results = java.util.Collections.synchronizedList(new ArrayList<>());
    for (long taskId = 100; taskId < 110; taskId++) {
      long id = taskId;
      threads.add(
          Thread.ofVirtual()
              .start(
                  () ->
                      results.add(
                          runtime.provision(
                              request(id, 1, BranchMode.CREATE, Optional.empty(), PROVISION),
                              OutputSink.DISCARD,
                              new Cancellation()))));
    }
    for (Thread thread : threads) {
      thread.join();
    }

    assertThat(results).hasSize(10).allMatch(result -> result instanceof ProvisionResult.Ready);
    assertThat(runtime.workspaces()).hasSize(10);
    assertThat(git(repo, "worktree", "list").lines()).hasSize(11);
  }

  @Test
  void restart_continues_the_existing_branch_in_its_leftover_worktree() throws Exception {
    Workspace first = provision(22, 1, BranchMode.CREATE, Optional.empty());
    run(first, "echo work > work.txt").await();
    runtime.finish(first, COMMIT);
    Files.writeString(first.path().resolve("uncommitted.txt"), "left by a crash\n");

    Workspace again = provision(22, 2, BranchMode.CONTINUE, Optional.empty());

    assertThat(again.path()).isEqualTo(first.path());
    assertThat(again.baseCommit()).isEqualTo(first.baseCommit());
    assertThat(again.path().resolve("work.txt")).exists();
    assertThat(again.path().resolve("uncommitted.txt")).exists();
  }

  @Test
  void a_leftover_empty_branch_and_worktree_of_a_crashed_provisioning_are_started_over()
      throws Exception {
    Workspace first = provision(23, 1, BranchMode.CREATE, Optional.empty());
    Files.writeString(first.path().resolve("junk.txt"), "half-done setup\n");

    Workspace again = provision(23, 2, BranchMode.CREATE, Optional.empty());

    assertThat(again.path()).isEqualTo(first.path());
    assertThat(again.path().resolve("junk.txt")).doesNotExist();
  }

  @Test
  void a_workspace_whose_directory_was_deleted_by_hand_is_provisioned_again() throws Exception {
    Workspace first = provision(26, 1, BranchMode.CREATE, Optional.empty());
    FileTrees.delete(first.path());

    Workspace again = provision(26, 2, BranchMode.CREATE, Optional.empty());

    assertThat(again.path()).isEqualTo(first.path());
    assertThat(again.path().resolve(".git")).exists();
    assertThat(git(again.path(), "rev-parse", "--abbrev-ref", "HEAD")).isEqualTo("capstan/task-26");
  }

  @Test
  void creating_a_branch_that_already_has_commits_is_refused_clearly() throws Exception {
    git(repo, "branch", "capstan/task-24", "main");
    Files.writeString(tmp.resolve("x"), "x");
    Path other = tmp.resolve("other");
    git(repo, "worktree", "add", "--quiet", other.toString(), "capstan/task-24");
    Files.writeString(other.resolve("mine.txt"), "mine\n");
    git(other, "add", "mine.txt");
    TestRepos.commit(other, "someone's work");
    git(repo, "worktree", "remove", other.toString());

    ProvisionResult result =
        runtime.provision(
            request(24, 1, BranchMode.CREATE, Optional.empty(), PROVISION),
            OutputSink.DISCARD,
            new Cancellation());

    assertThat(result).isInstanceOf(ProvisionResult.Failed.class);
    assertThat(((ProvisionResult.Failed) result).reason())
        .contains("already exists with commits")
        .contains("restart")
        .contains("redo");
    assertThat(git(repo, "log", "-1", "--format=%s", "capstan/task-24"))
        .isEqualTo("someone's work");
  }

  @Test
  void a_stranger_directory_in_the_workspace_place_is_refused_not_deleted() throws Exception {
    Path stranger = Files.createDirectories(home.resolve("worktrees/acme/task-25"));
    Files.writeString(stranger.resolve("precious.txt"), "keep me");

    ProvisionResult result =
        runtime.provision(
            request(25, 1, BranchMode.CREATE, Optional.empty(), PROVISION),
            OutputSink.DISCARD,
            new Cancellation());

    assertThat(result).isInstanceOf(ProvisionResult.Failed.class);
    assertThat(((ProvisionResult.Failed) result).reason()).contains("exists but is not a worktree");
    assertThat(stranger.resolve("precious.txt")).hasContent("keep me");
  }

  @Test
  void a_missing_base_branch_and_a_hostile_branch_name_fail_provisioning_clearly() {
    ProvisionResult missingBase =
        runtime.provision(
            new ProvisionRequest(
                "acme",
                repo,
                26,
                1,
                "release",
                "capstan/task-26",
                BranchMode.CREATE,
                Optional.empty(),
                PROVISION),
            OutputSink.DISCARD,
            new Cancellation());
    ProvisionResult hostile =
        runtime.provision(
            new ProvisionRequest(
                "acme",
                repo,
                26,
                1,
                "main",
                "capstan/$(touch pwned)",
                BranchMode.CREATE,
                Optional.empty(),
                PROVISION),
            OutputSink.DISCARD,
            new Cancellation());

    assertThat(missingBase)
        .isEqualTo(
            new ProvisionResult.Failed("the base branch 'release' does not exist in repo acme"));
    assertThat(hostile).isInstanceOf(ProvisionResult.Failed.class);
    assertThat(((ProvisionResult.Failed) hostile).reason()).contains("invalid branch name");
    assertThat(tmp.resolve("acme/pwned")).doesNotExist();
  }

  @Test
  void workspaces_are_listed_with_their_disk_usage_and_removal_keeps_the_branch() throws Exception {
    Workspace workspace = provision(27, 1, BranchMode.CREATE, Optional.empty());
    Files.write(workspace.path().resolve("blob.bin"), new byte[100_000]);

    List<WorkspaceUsage> before = runtime.workspaces();
    runtime.remove(workspace.ref());
    runtime.remove(workspace.ref());

    assertThat(before)
        .singleElement()
        .satisfies(
            usage -> {
              assertThat(usage.ref()).isEqualTo(workspace.ref());
              assertThat(usage.bytes()).isGreaterThan(100_000);
            });
    assertThat(runtime.workspaces()).isEmpty();
    assertThat(git(repo, "branch", "--list", "capstan/task-27")).contains("capstan/task-27");
    assertThat(git(repo, "worktree", "list", "--porcelain")).doesNotContain("task-27");
  }

  @Test
  void orphans_of_a_previous_daemon_are_found_and_killed_and_other_processes_are_left_alone()
      throws Exception {
    String ours = runtime.homeHash();
    String othersHash = RunMarker.homeHash(tmp.resolve("another-home"));
    Process orphan = startMarked(Optional.of(ours + "/31/2"));
    Process otherHome = startMarked(Optional.of(othersHash + "/31/2"));
    Process unmarked = startMarked(Optional.empty());

    await()
        .atMost(5, TimeUnit.SECONDS)
        .until(() -> runtime.findOrphans().stream().anyMatch(o -> o.pid() == orphan.pid()));
    List<OrphanProcess> killed = runtime.killOrphans();

    assertThat(killed).extracting(OrphanProcess::pid).containsExactly(orphan.pid());
    assertThat(killed.get(0).marker()).isEqualTo(new RunMarker(ours, 31, 2));
    assertThat(orphan.waitFor(5, TimeUnit.SECONDS)).isTrue();
    assertThat(otherHome.isAlive()).isTrue();
    assertThat(unmarked.isAlive()).isTrue();
  }

  @Test
  void a_running_agent_of_this_daemon_is_not_an_orphan() throws Exception {
    Workspace workspace = provision(32, 1, BranchMode.CREATE, Optional.empty());
    AgentRun run = run(workspace, "sleep 1000");
    await()
        .atMost(5, TimeUnit.SECONDS)
        .until(() -> ProcFs.system().marker(run.pid().orElseThrow()).isPresent());

    List<OrphanProcess> orphans = runtime.findOrphans();
    run.cancel();

    assertThat(orphans).isEmpty();
    assertThat(run.await(Duration.ofSeconds(5))).contains(new RunResult.Cancelled());
  }

  private Process startMarked(Optional<String> marker) throws IOException {
    ProcessBuilder builder = new ProcessBuilder("sleep", "1000");
    builder.environment().remove(RunMarker.ENV);
    marker.ifPresent(value -> builder.environment().put(RunMarker.ENV, value));
    Process process = builder.start();
    started.add(process);
    return process;
  }

  private Workspace provision(long taskId, int attempt, BranchMode mode, Optional<String> setup) {
    ProvisionResult result =
        runtime.provision(
            request(taskId, attempt, mode, setup, PROVISION),
            OutputSink.DISCARD,
            new Cancellation());
    assertThat(result).isInstanceOf(ProvisionResult.Ready.class);
    return ((ProvisionResult.Ready) result).workspace();
  }

  private ProvisionRequest request(
      long taskId, int attempt, BranchMode mode, Optional<String> setup, Duration timeout) {
    return new ProvisionRequest(
        "acme",
        repo,
        taskId,
        attempt,
        "main",
        Workspaces.branchFor(taskId, 1),
        mode,
        setup,
        timeout);
  }

  private AgentRun run(Workspace workspace, String command) {
    return run(workspace, command, OutputSink.DISCARD);
  }

  private AgentRun run(Workspace workspace, String command, OutputSink sink) {
    return runtime.launch(launchRequest(workspace, command, LIMITS, sink));
  }

  private static LaunchRequest launchRequest(
      Workspace workspace, String command, RunLimits limits, OutputSink sink) {
    return new LaunchRequest(
        workspace,
        new CommandAgent(),
        new AgentTask(workspace.ref().taskId(), 1, "do the thing", Optional.of(command)),
        limits,
        sink);
  }

  private static boolean zombie(long pid) {
    return ProcFs.system().processGroup(pid).isEmpty();
  }
}
