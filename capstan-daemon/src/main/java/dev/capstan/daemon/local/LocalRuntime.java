package dev.capstan.daemon.local;

import dev.capstan.agent.AgentContext;
import dev.capstan.agent.AgentLaunch;
import dev.capstan.agent.InProcessAgent;
import dev.capstan.agent.InProcessLaunch;
import dev.capstan.daemon.git.FileTrees;
import dev.capstan.daemon.git.Git;
import dev.capstan.daemon.git.RepoGit;
import dev.capstan.runtime.AgentRun;
import dev.capstan.runtime.Cancellation;
import dev.capstan.runtime.CommitRequest;
import dev.capstan.runtime.CommitResult;
import dev.capstan.runtime.Diffstat;
import dev.capstan.runtime.InvalidName;
import dev.capstan.runtime.LaunchRequest;
import dev.capstan.runtime.Names;
import dev.capstan.runtime.OrphanProcess;
import dev.capstan.runtime.OutputSink;
import dev.capstan.runtime.ProvisionRequest;
import dev.capstan.runtime.ProvisionResult;
import dev.capstan.runtime.RunLimits;
import dev.capstan.runtime.RunMarker;
import dev.capstan.runtime.RunResult;
import dev.capstan.runtime.RuntimeFailure;
import dev.capstan.runtime.TaskRuntime;
import dev.capstan.runtime.Workspace;
import dev.capstan.runtime.WorkspaceRef;
import dev.capstan.runtime.WorkspaceUsage;
import dev.capstan.runtime.Workspaces;
import dev.capstan.time.Stopwatch;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link TaskRuntime} of one machine: each attempt runs in a git worktree under {@code
 * <home>/worktrees/<repo>/task-<id>[-<n>]} on its branch, its agent in its own session and process
 * group with a minimal environment. The user's checkout (its HEAD, index and working tree) is never
 * touched; worktrees of one repo are created and removed under a per-repo lock, because {@code git
 * worktree add} is not safe to run concurrently on one repository.
 *
 * <p>Linux only: process groups are signalled with {@code kill}, agents are started with util-linux
 * {@code setsid}, orphans are found in {@code /proc}.
 *
 * <p>Thread-safe.
 */
public final class LocalRuntime implements TaskRuntime {
  private static final Logger log = LoggerFactory.getLogger(LocalRuntime.class);
  private static final String PROMPT_FILE = "prompt.txt";

  private final LocalRuntimeSettings settings;
  private final Git git;
  private final RepoGit repoGit;
  private final Path worktreesRoot;
  private final Path runsRoot;
  private final String homeHash;
  // why: the settings' launcher, then setsid: what every run's command is started through.
  private final List<String> startThrough;
  private final ProcFs procFs;
  private final ThreadFactory threads;
  private final Map<Path, ReentrantLock> repoLocks = new ConcurrentHashMap<>();
  // why: a repo's common dir does not change while it stays where it is; noting it saves a git
  // process per task. A failed fast path forgets it.
  private final Map<Path, Path> commonDirs = new ConcurrentHashMap<>();
  // why: counted, not a set: a marker is registered before its process starts and released after
  // its run ended, so an orphan scan running meanwhile never takes a starting run for an orphan.
  // Race: see LocalRuntimeTest#a_running_agent_of_this_daemon_is_not_an_orphan
  private final Map<RunMarker, Integer> activeMarkers = new ConcurrentHashMap<>();

  /**
   * A runtime for the home in {@code settings}; creates {@code worktrees/} and {@code runs/} there.
   *
   * @param threads makes the threads that watch runs and pump their output (virtual threads suit)
   * @throws RuntimeFailure when the directories cannot be created or {@code setsid} is missing
   */
  public LocalRuntime(LocalRuntimeSettings settings, Git git, ThreadFactory threads) {
    this.settings = settings;
    this.git = git;
    this.repoGit = new RepoGit(git);
    this.threads = threads;
    this.procFs = ProcFs.system();
    this.homeHash = RunMarker.homeHash(settings.home());
    List<String> launch = new ArrayList<>(settings.launcher());
    launch.add(findSetsid());
    this.startThrough = List.copyOf(launch);
    try {
      this.worktreesRoot = createPrivateDir(settings.home().resolve("worktrees")).toRealPath();
      this.runsRoot = createPrivateDir(settings.home().resolve("runs")).toRealPath();
    } catch (IOException e) {
      throw new RuntimeFailure(
          "cannot create the workspace directories in " + settings.home() + ": " + e.getMessage(),
          "check that the home directory is writable");
    }
  }

  /** Where the workspaces of {@code repo} live. */
  public Path worktreesOf(String repo) {
    return worktreesRoot.resolve(Names.requireValidName("repo", repo));
  }

  /** The marker hash of this runtime's home. */
  public String homeHash() {
    return homeHash;
  }

  @Override
  public ProvisionResult provision(
      ProvisionRequest request, OutputSink sink, Cancellation cancellation) {
    Stopwatch clock = Stopwatch.start();
    try {
      if (cancellation.isCancelled()) {
        return new ProvisionResult.Cancelled();
      }
      Workspace workspace = createWorktree(request, clock);
      if (cancellation.isCancelled()) {
        return new ProvisionResult.Cancelled();
      }
      return request.setupCommand().filter(command -> !command.isBlank()).isPresent()
          ? runSetup(request, workspace, sink, cancellation, clock)
          : new ProvisionResult.Ready(workspace);
    } catch (Refused refused) {
      return new ProvisionResult.Failed(refused.getMessage());
    } catch (InvalidName e) {
      return new ProvisionResult.Failed(e.getMessage() + " (" + e.hint() + ")");
    } catch (RuntimeFailure e) {
      if (clock.hasElapsed(request.timeout())) {
        return provisioningTimedOut(request, "git did not finish in time");
      }
      return new ProvisionResult.Failed(e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new ProvisionResult.Cancelled();
    }
  }

  @Override
  public AgentRun launch(LaunchRequest request) {
    Workspace workspace = request.workspace();
    RunMarker marker = new RunMarker(homeHash, request.task().taskId(), request.task().attempt());
    if (request.agent() instanceof InProcessAgent inProcess) {
      return launchInProcess(inProcess, request, marker);
    }
    Path privateDir = runDir(workspace.ref(), request.task().attempt());
    AgentLaunch launch =
        request.agent().launch(new AgentContext(request.task(), workspace.path(), privateDir));
    Path promptFile = privateDir.resolve(PROMPT_FILE);
    try {
      createPrivateDir(privateDir);
      writePrivateFile(promptFile, request.task().prompt());
      for (Map.Entry<String, String> file : launch.files().entrySet()) {
        writePrivateFile(
            privateDir.resolve(Names.requireValidName("file", file.getKey())), file.getValue());
      }
    } catch (IOException e) {
      throw new RuntimeFailure(
          "cannot write the run files of task "
              + marker.taskId()
              + " to "
              + privateDir
              + ": "
              + e.getMessage(),
          "check the free disk space and permissions of the home directory");
    }
    Map<String, String> env =
        AgentEnvironment.build(
            settings.parentEnv(),
            marker,
            workspace.path(),
            Optional.of(request.task().prompt()),
            Optional.of(promptFile),
            launch.env());
    activate(marker);
    LocalProcessRun run;
    try {
      run =
          LocalProcessRun.start(
              startThrough,
              launch.argv(),
              workspace.path(),
              env,
              marker,
              request.limits(),
              request.sink(),
              procFs,
              settings.killGrace(),
              threads);
    } catch (RuntimeException e) {
      release(marker);
      throw e;
    }
    run.whenDone().whenComplete((result, failure) -> release(marker));
    log.info(
        "task={} attempt={} agent={} started pid={} in {}",
        marker.taskId(),
        marker.attempt(),
        request.agent().name(),
        run.pid().orElse(-1L),
        workspace.path());
    return run;
  }

  private AgentRun launchInProcess(InProcessAgent agent, LaunchRequest request, RunMarker marker) {
    Workspace workspace = request.workspace();
    // why: the agent runs inside the daemon, but the commands its tools start carry the marker;
    // it is active for the whole run, so the health loop never takes a running command of this
    // daemon for an orphan, while one left by a dead daemon is found and killed on start.
    activate(marker);
    AgentRun run;
    try {
      run =
          agent.start(
              new InProcessLaunch(
                  request.task(),
                  workspace.ref().repo(),
                  workspace.path(),
                  request.limits(),
                  request.sink(),
                  marker));
    } catch (RuntimeException e) {
      release(marker);
      throw e;
    }
    threads
        .newThread(
            () -> {
              try {
                run.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              } catch (RuntimeException e) {
                // the engine reports how the run failed; the marker is released all the same
              } finally {
                release(marker);
              }
            })
        .start();
    log.info(
        "task={} attempt={} agent={} started in-process in {}",
        marker.taskId(),
        marker.attempt(),
        agent.name(),
        workspace.path());
    return run;
  }

  @Override
  public CommitResult finish(Workspace workspace, CommitRequest request) {
    Path dir = workspace.path();
    Duration timeout = settings.gitTimeout();
    // why: one status call tells both whether anything changed and where HEAD is (the agent may
    // have committed itself), so a clean workspace costs one git process, not three.
    WorkspaceStatus status =
        WorkspaceStatus.parse(
            git.output(
                dir, timeout, "status", "--porcelain=v2", "--branch", "--untracked-files=all"));
    String head = status.head().orElse(null);
    if (status.dirty()) {
      git.run(dir, timeout, "add", "-A").requireSuccess();
      git.run(
              dir,
              timeout,
              List.of(
                  "-c",
                  "user.name=" + request.authorName(),
                  "-c",
                  "user.email=" + request.authorEmail(),
                  "commit",
                  "--quiet",
                  "--no-verify",
                  "-m",
                  request.message()))
          .requireSuccess();
      head = null;
    }
    if (head == null) {
      head = git.output(dir, timeout, "rev-parse", "--verify", "HEAD^{commit}");
    }
    Diffstat diffstat =
        head.equals(workspace.baseCommit())
            ? Diffstat.EMPTY
            : Diffstat.parseShortstat(
                git.output(dir, timeout, "diff", "--shortstat", workspace.baseCommit(), head));
    return new CommitResult(head, status.dirty(), diffstat);
  }

  @Override
  public void remove(WorkspaceRef ref) {
    Path path = worktreesRoot.resolve(ref.repo()).resolve(ref.name());
    if (Files.isDirectory(path)) {
      Git.Result common =
          git.run(
              path,
              settings.gitTimeout(),
              "rev-parse",
              "--path-format=absolute",
              "--git-common-dir");
      if (common.ok() && !common.stdout().isBlank()) {
        Path commonDir = Path.of(common.stdout().strip());
        ReentrantLock lock = lockOf(commonDir);
        lock.lock();
        try {
          Git.Result removed =
              git.run(
                  commonDir,
                  settings.gitTimeout(),
                  "worktree",
                  "remove",
                  "--force",
                  "--force",
                  path.toString());
          if (!removed.ok()) {
            log.warn(
                "git worktree remove of {} failed ({}); deleting the directory",
                path,
                removed.firstErrorLine());
          }
          deleteTree(path);
          git.run(commonDir, settings.gitTimeout(), "worktree", "prune");
        } finally {
          lock.unlock();
        }
      } else {
        // why: not a worktree any more (its repo is gone or it was never finished); just delete.
        deleteTree(path);
      }
    }
    deleteTree(runsRoot.resolve(ref.repo()).resolve(ref.name()));
  }

  @Override
  public List<WorkspaceUsage> workspaces() {
    List<WorkspaceUsage> usages = new ArrayList<>();
    for (Path repoDir : children(worktreesRoot)) {
      String repo = repoDir.getFileName().toString();
      if (!Names.isValid(repo)) {
        continue;
      }
      for (Path dir : children(repoDir)) {
        String name = dir.getFileName().toString();
        Optional<Long> taskId = Workspaces.taskIdOf(name);
        if (taskId.isPresent() && Files.isDirectory(dir)) {
          usages.add(
              new WorkspaceUsage(
                  new WorkspaceRef(repo, taskId.get(), name), dir, FileTrees.size(dir)));
        }
      }
    }
    return usages;
  }

  @Override
  public List<OrphanProcess> findOrphans() {
    List<OrphanProcess> orphans = new ArrayList<>();
    for (ProcFs.Marked marked : procFs.markedProcesses()) {
      if (marked.marker().homeHash().equals(homeHash)
          && !activeMarkers.containsKey(marked.marker())) {
        orphans.add(new OrphanProcess(marked.pid(), marked.marker(), marked.command()));
      }
    }
    return orphans;
  }

  @Override
  public List<OrphanProcess> killOrphans() {
    List<OrphanProcess> orphans = findOrphans();
    if (!orphans.isEmpty()) {
      new ProcessTree(procFs)
          .killOrphans(
              orphans.stream().map(OrphanProcess::pid).toList(), homeHash, settings.killGrace());
      for (OrphanProcess orphan : orphans) {
        log.warn(
            "killed orphan agent process pid={} of task={} attempt={} left by a previous daemon",
            orphan.pid(),
            orphan.marker().taskId(),
            orphan.marker().attempt());
      }
    }
    return orphans;
  }

  private ProvisionResult runSetup(
      ProvisionRequest request,
      Workspace workspace,
      OutputSink sink,
      Cancellation cancellation,
      Stopwatch clock)
      throws InterruptedException {
    Duration left = clock.remaining(request.timeout());
    if (left.isZero()) {
      return provisioningTimedOut(request, "no time was left for the setup command");
    }
    RunMarker marker = new RunMarker(homeHash, request.taskId(), request.attempt());
    Map<String, String> env =
        AgentEnvironment.build(
            settings.parentEnv(),
            marker,
            workspace.path(),
            Optional.empty(),
            Optional.empty(),
            Map.of());
    activate(marker);
    LocalProcessRun setup;
    try {
      setup =
          LocalProcessRun.start(
              startThrough,
              List.of("/bin/sh", "-c", request.setupCommand().orElseThrow()),
              workspace.path(),
              env,
              marker,
              new RunLimits(left, left),
              sink,
              procFs,
              settings.killGrace(),
              threads);
    } catch (RuntimeException e) {
      release(marker);
      throw e;
    }
    Runnable unregister = cancellation.onCancel(setup::cancel);
    try {
      RunResult result = setup.await();
      return switch (result) {
        case RunResult.Exited exited when exited.code() == 0 ->
            new ProvisionResult.Ready(workspace);
        case RunResult.Exited exited ->
            new ProvisionResult.Failed("the setup command exited with code " + exited.code());
        case RunResult.Killed killed ->
            new ProvisionResult.Failed(
                "the setup command was killed by signal "
                    + killed.signal()
                    + " ("
                    + killed.cause().name().toLowerCase(java.util.Locale.ROOT)
                    + ")");
        case RunResult.Failed failed ->
            new ProvisionResult.Failed("the setup command failed: " + failed.reason());
        case RunResult.TimedOut timedOut ->
            provisioningTimedOut(request, "the setup command did not finish and was killed");
        case RunResult.Cancelled cancelled -> new ProvisionResult.Cancelled();
      };
    } finally {
      unregister.run();
      release(marker);
    }
  }

  private static ProvisionResult provisioningTimedOut(ProvisionRequest request, String what) {
    return new ProvisionResult.TimedOut(
        request.timeout(), "provisioning took longer than " + request.timeout() + ": " + what);
  }

  private Workspace createWorktree(ProvisionRequest request, Stopwatch clock)
      throws InterruptedException {
    repoGit.requireValidBranch(request.baseBranch());
    repoGit.requireValidBranch(request.branch());
    String name =
        Workspaces.workspaceNameOf(request.branch())
            .orElseGet(
                () -> Workspaces.workspaceName(request.taskId(), 1) + "-" + request.attempt());
    WorkspaceRef ref = new WorkspaceRef(request.repo(), request.taskId(), name);
    Path path = worktreesRoot.resolve(request.repo()).resolve(name);
    Path repo = request.repoPath();
    // why: the common case (a new task branch, no leftover directory, a repo seen before) needs
    // one git process: a worktree add from the base branch's full ref name, which refuses an
    // existing branch or a registered path by itself; the new branch's tip is then read from its
    // loose ref. Anything unusual takes the careful path.
    boolean fast =
        request.mode() == ProvisionRequest.BranchMode.CREATE
            && Workspaces.workspaceNameOf(request.branch()).isPresent()
            && !Files.exists(path, LinkOption.NOFOLLOW_LINKS);
    Path noted = commonDirs.get(repo);
    if (fast && noted != null) {
      Optional<Workspace> added =
          underLock(noted, request, clock, () -> addFast(request, clock, ref, path, noted));
      if (added.isPresent()) {
        return added.get();
      }
      // why: the repo may have moved or changed since its common dir was noted.
      commonDirs.remove(repo);
    }
    Path commonDir = commonDir(repo, gitTimeout(request, clock));
    commonDirs.put(repo, commonDir);
    boolean tryFast = fast && noted == null;
    return underLock(
        commonDir,
        request,
        clock,
        () ->
            (tryFast ? addFast(request, clock, ref, path, commonDir) : Optional.<Workspace>empty())
                .orElseGet(() -> new WorktreeSetup(request, clock, ref, path).create()));
  }

  /** Runs {@code step} holding the worktree lock of the repo whose common dir is given. */
  private <T> T underLock(
      Path commonDir,
      ProvisionRequest request,
      Stopwatch clock,
      java.util.function.Supplier<T> step)
      throws InterruptedException {
    ReentrantLock lock = lockOf(commonDir);
    if (!lock.tryLock(clock.remaining(request.timeout()).toNanos(), TimeUnit.NANOSECONDS)) {
      throw new RuntimeFailure(
          "timed out waiting for the worktree lock of " + request.repo(), "retry");
    }
    try {
      return step.get();
    } finally {
      lock.unlock();
    }
  }

  /**
   * One {@code git worktree add} of a new branch from the base branch's full ref name; it refuses
   * an existing branch or a registered path by itself. Empty when git refused.
   */
  private Optional<Workspace> addFast(
      ProvisionRequest request, Stopwatch clock, WorkspaceRef ref, Path path, Path commonDir) {
    Git.Result added =
        git.run(
            request.repoPath(),
            gitTimeout(request, clock),
            "worktree",
            "add",
            "--quiet",
            "-b",
            request.branch(),
            path.toString(),
            "refs/heads/" + request.baseBranch());
    if (!added.ok()) {
      log.info(
          "task={} worktree add of {} refused ({}); checking the repo step by step",
          request.taskId(),
          request.branch(),
          added.firstErrorLine());
      return Optional.empty();
    }
    String baseSha =
        looseRef(commonDir, request.branch())
            .orElseGet(
                () ->
                    git.output(
                        path,
                        gitTimeout(request, clock),
                        "rev-parse",
                        "--verify",
                        "HEAD^{commit}"));
    return Optional.of(new Workspace(ref, path, request.branch(), baseSha));
  }

  /** The steps of creating one worktree, run under the repo's lock. */
  private final class WorktreeSetup {
    private final ProvisionRequest request;
    private final Stopwatch clock;
    private final WorkspaceRef ref;
    private final Path path;
    private final Path repo;

    WorktreeSetup(ProvisionRequest request, Stopwatch clock, WorkspaceRef ref, Path path) {
      this.request = request;
      this.clock = clock;
      this.ref = ref;
      this.path = path;
      this.repo = request.repoPath();
    }

    Workspace create() {
      git("worktree", "prune");
      String baseSha =
          resolveBranch(request.baseBranch())
              .orElseThrow(
                  () ->
                      new Refused(
                          "the base branch '"
                              + request.baseBranch()
                              + "' does not exist in repo "
                              + request.repo()));
      Optional<String> branchSha = resolveBranch(request.branch());
      Map<Path, String> worktrees = worktrees();
      String branchRef = "refs/heads/" + request.branch();
      Optional<Path> checkedOutAt =
          worktrees.entrySet().stream()
              .filter(e -> e.getValue().equals(branchRef))
              .map(Map.Entry::getKey)
              .findFirst();
      Optional<String> atPath = Optional.ofNullable(worktrees.get(path));
      return switch (request.mode()) {
        case CREATE -> createBranch(baseSha, branchSha, checkedOutAt, atPath);
        case CONTINUE -> continueBranch(baseSha, branchSha, checkedOutAt, atPath, branchRef);
      };
    }

    private Workspace createBranch(
        String baseSha,
        Optional<String> branchSha,
        Optional<Path> checkedOutAt,
        Optional<String> atPath) {
      if (branchSha.isPresent()) {
        if (!isAncestor(branchSha.get(), baseSha)) {
          throw new Refused(
              "branch '"
                  + request.branch()
                  + "' already exists with commits that are not on '"
                  + request.baseBranch()
                  + "'; restart the task to continue on it, or redo it to start a new branch");
        }
        if (checkedOutAt.isPresent() && !checkedOutAt.get().equals(path)) {
          throw new Refused(
              "branch '"
                  + request.branch()
                  + "' is checked out at "
                  + checkedOutAt.get()
                  + "; remove that worktree first");
        }
        log.info(
            "task={} reusing the leftover branch {} (no commits of its own) from {}",
            request.taskId(),
            request.branch(),
            request.baseBranch());
      } else if (atPath.isPresent()) {
        throw new Refused(
            "the workspace directory "
                + path
                + " already holds "
                + atPath.get()
                + "; run 'capstan gc' or remove it");
      }
      if (atPath.isPresent()) {
        // why: a leftover worktree of a crashed provisioning; start it over from the base.
        git("worktree", "remove", "--force", "--force", path.toString());
      }
      clearStaleDirectory();
      git("worktree", "add", "--quiet", "-B", request.branch(), path.toString(), baseSha);
      return new Workspace(ref, path, request.branch(), baseSha);
    }

    private Workspace continueBranch(
        String baseSha,
        Optional<String> branchSha,
        Optional<Path> checkedOutAt,
        Optional<String> atPath,
        String branchRef) {
      if (branchSha.isEmpty()) {
        throw new Refused(
            "branch '"
                + request.branch()
                + "' does not exist any more; redo the task to start a new branch");
      }
      if (atPath.isPresent() && !atPath.get().equals(branchRef)) {
        throw new Refused(
            "the workspace directory "
                + path
                + " holds "
                + atPath.get()
                + ", not "
                + request.branch()
                + "; run 'capstan gc' or remove it");
      }
      if (atPath.isEmpty()) {
        if (checkedOutAt.isPresent()) {
          throw new Refused(
              "branch '"
                  + request.branch()
                  + "' is checked out at "
                  + checkedOutAt.get()
                  + "; remove that worktree first");
        }
        clearStaleDirectory();
        git("worktree", "add", "--quiet", path.toString(), request.branch());
      }
      Git.Result mergeBase = git.run(repo, timeout(), "merge-base", baseSha, branchSha.get());
      if (!mergeBase.ok()) {
        throw new Refused(
            "branch '"
                + request.branch()
                + "' shares no history with '"
                + request.baseBranch()
                + "'");
      }
      return new Workspace(ref, path, request.branch(), mergeBase.stdout().strip());
    }

    private void clearStaleDirectory() {
      if (!Files.exists(path)) {
        return;
      }
      if (children(path).isEmpty()) {
        try {
          Files.delete(path);
          return;
        } catch (IOException e) {
          throw new Refused(
              "cannot remove the empty leftover directory " + path + ": " + e.getMessage());
        }
      }
      throw new Refused(
          "the workspace directory "
              + path
              + " exists but is not a worktree of repo "
              + request.repo()
              + " (left over by a crash?); run 'capstan gc' or remove it");
    }

    private Optional<String> resolveBranch(String branch) {
      Git.Result result =
          git.run(
              repo,
              timeout(),
              "rev-parse",
              "--verify",
              "--quiet",
              "refs/heads/" + branch + "^{commit}");
      return result.ok() ? Optional.of(result.stdout().strip()) : Optional.empty();
    }

    private boolean isAncestor(String ancestor, String of) {
      return git.run(repo, timeout(), "merge-base", "--is-ancestor", ancestor, of).ok();
    }

    private Map<Path, String> worktrees() {
      Map<Path, String> byPath = new java.util.HashMap<>();
      Path current = null;
      for (String line :
          git.output(repo, timeout(), "worktree", "list", "--porcelain").lines().toList()) {
        if (line.startsWith("worktree ")) {
          current = Path.of(line.substring("worktree ".length()));
          byPath.put(current, "(detached)");
        } else if (line.startsWith("branch ") && current != null) {
          byPath.put(current, line.substring("branch ".length()));
        }
      }
      return byPath;
    }

    private void git(String... args) {
      git.run(repo, timeout(), args).requireSuccess();
    }

    private Duration timeout() {
      return gitTimeout(request, clock);
    }
  }

  private Duration gitTimeout(ProvisionRequest request, Stopwatch clock) {
    Duration left = clock.remaining(request.timeout());
    if (left.isZero()) {
      throw new RuntimeFailure("provisioning ran out of time", "raise the provisioning timeout");
    }
    return left.compareTo(settings.gitTimeout()) < 0 ? left : settings.gitTimeout();
  }

  private void activate(RunMarker marker) {
    activeMarkers.merge(marker, 1, Integer::sum);
  }

  private void release(RunMarker marker) {
    activeMarkers.computeIfPresent(marker, (key, count) -> count == 1 ? null : count - 1);
  }

  /** The git common dir of {@code repo} (its {@code .git}, shared by all its worktrees). */
  private Path commonDir(Path repo, Duration timeout) {
    Git.Result common =
        git.run(repo, timeout, "rev-parse", "--path-format=absolute", "--git-common-dir");
    if (!common.ok() || common.stdout().isBlank()) {
      throw new Refused(
          "the repo path "
              + repo
              + " is not a git repository any more: "
              + common.firstErrorLine());
    }
    return Path.of(common.stdout().lines().findFirst().orElseThrow().strip());
  }

  /**
   * The commit a branch just created by {@code git worktree add} points at, read from its loose ref
   * file; empty when the repo keeps refs some other way (packed, reftable).
   */
  static Optional<String> looseRef(Path commonDir, String branch) {
    try {
      String content = Files.readString(commonDir.resolve("refs/heads").resolve(branch)).strip();
      boolean hex =
          !content.isEmpty() && content.chars().allMatch(c -> Character.digit(c, 16) >= 0);
      return hex && (content.length() == 40 || content.length() == 64)
          ? Optional.of(content)
          : Optional.empty();
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  private ReentrantLock lockOf(Path commonDir) {
    Path key;
    try {
      key = commonDir.toRealPath();
    } catch (IOException e) {
      key = commonDir.toAbsolutePath().normalize();
    }
    return repoLocks.computeIfAbsent(key, k -> new ReentrantLock());
  }

  private Path runDir(WorkspaceRef ref, int attempt) {
    return runsRoot.resolve(ref.repo()).resolve(ref.name()).resolve("attempt-" + attempt);
  }

  private static Path createPrivateDir(Path dir) throws IOException {
    Files.createDirectories(dir);
    try {
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    } catch (UnsupportedOperationException e) {
      // why: a file system without POSIX permissions; the home's own mode still protects it.
    }
    return dir;
  }

  private static void writePrivateFile(Path file, String content) throws IOException {
    Files.deleteIfExists(file);
    Files.createFile(
        file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(file, content, StandardCharsets.UTF_8);
  }

  private static void deleteTree(Path path) {
    try {
      FileTrees.delete(path);
    } catch (IOException e) {
      throw new RuntimeFailure(
          "cannot delete " + path + ": " + e.getMessage(),
          "check its permissions and remove it by hand");
    }
  }

  private static List<Path> children(Path dir) {
    List<Path> children = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return children;
    }
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      entries.forEach(children::add);
    } catch (IOException e) {
      log.warn("cannot list {}: {}", dir, e.getMessage());
    }
    return children;
  }

  private static String findSetsid() {
    for (String candidate : List.of("/usr/bin/setsid", "/bin/setsid")) {
      if (Files.isExecutable(Path.of(candidate))) {
        return candidate;
      }
    }
    throw new RuntimeFailure(
        "the local runtime needs util-linux 'setsid', found neither /usr/bin/setsid nor /bin/setsid",
        "install util-linux");
  }

  /** A provisioning step refused, with a reason the user can act on. */
  private static final class Refused extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Refused(String reason) {
      super(reason);
    }
  }
}
