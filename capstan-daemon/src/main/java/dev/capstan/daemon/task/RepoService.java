package dev.capstan.daemon.task;

import dev.capstan.daemon.git.RepoGit;
import dev.capstan.idempotency.IdempotencyKey;
import dev.capstan.idempotency.IdempotencyStore;
import dev.capstan.idempotency.Idempotent;
import dev.capstan.runtime.Names;
import dev.capstan.task.BadTaskRequest;
import dev.capstan.task.Repo;
import dev.capstan.task.RepoBusy;
import dev.capstan.task.RepoExists;
import dev.capstan.task.RepoNotFound;
import dev.capstan.task.TaskQuery;
import dev.capstan.task.TaskState;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/**
 * Registers, changes and removes repos. A URL is cloned under {@code <home>/repos/<name>}; a path
 * is used in place (worktrees are made from it, its own checkout is never touched).
 *
 * <p>Thread-safe.
 */
public final class RepoService {
  private final TaskEngine engine;
  private final RepoGit git;
  private final Path reposDir;
  private final IdempotencyStore idempotency;

  public RepoService(TaskEngine engine, RepoGit git, Path reposDir, IdempotencyStore idempotency) {
    this.engine = engine;
    this.git = git;
    this.reposDir = reposDir;
    this.idempotency = idempotency;
  }

  /**
   * What a new repo is registered with.
   *
   * @param source a local path or a git URL
   * @param name its name; empty = derived from the source
   * @param baseBranch empty = the checkout's current branch
   * @param maxConcurrent empty = the default repo limit
   * @param agent empty = {@code command}
   * @param command the {@code command} agent's default command
   * @param setup the setup command
   */
  public record NewRepo(
      String source,
      Optional<String> name,
      Optional<String> baseBranch,
      Optional<Integer> maxConcurrent,
      Optional<String> agent,
      Optional<String> command,
      Optional<String> setup) {}

  /** A change of repo settings; empty fields stay as they are. */
  public record RepoPatch(
      Optional<String> baseBranch,
      Optional<Integer> maxConcurrent,
      Optional<String> agent,
      Optional<String> command,
      Optional<String> setup,
      Optional<Duration> provisionTimeout,
      Optional<Duration> runTimeout,
      Optional<Duration> idleTimeout) {}

  /** Registers a repo. */
  public Repo add(NewRepo request) {
    return add(request, Optional.empty()).value();
  }

  /**
   * Registers a repo like {@link #add(NewRepo)}; with an idempotency key that already registered a
   * repo, answers with that repo and registers (and clones) nothing.
   */
  public Idempotent<Repo> add(NewRepo request, Optional<IdempotencyKey> idempotencyKey) {
    Optional<Repo> earlier =
        idempotencyKey
            .flatMap(key -> idempotency.createdWith(IdempotencyStore.REPOS, key))
            .flatMap(name -> engine.deps().store().findRepo(name));
    if (earlier.isPresent()) {
      return Idempotent.replayed(earlier.get());
    }
    String source = request.source() == null ? "" : request.source().strip();
    if (source.isEmpty()) {
      throw new BadTaskRequest("\"source\" is required.", "Give a local path or a git URL.");
    }
    String name =
        request.name().isPresent()
            ? Names.requireValidName("repo", request.name().get())
            : RepoGit.defaultName(source);
    request.maxConcurrent().ifPresent(RepoService::requireLimit);
    String agent = request.agent().orElse("command");
    engine.deps().agents().require(agent);
    if (engine.deps().store().findRepo(name).isPresent()) {
      throw new RepoExists(name);
    }
    Path path =
        RepoGit.isUrl(source)
            ? git.clone(source, reposDir.resolve(name), RepoGit.DEFAULT_CLONE_TIMEOUT)
            : git.toplevel(Path.of(source));
    String base =
        request.baseBranch().isPresent()
            ? git.requireValidBranch(request.baseBranch().get())
            : git.currentBranch(path)
                .orElseThrow(
                    () ->
                        new BadTaskRequest(
                            "The checkout at " + path + " has no current branch (detached HEAD).",
                            "Pass the base branch (--base-branch)."));
    git.requireBranch(path, base);
    Instant now = engine.now();
    Repo repo =
        new Repo(
            name,
            RepoGit.isUrl(source) ? RepoGit.redact(source) : source,
            path.toString(),
            base,
            request.maxConcurrent().orElse(engine.deps().settings().repoMaxConcurrent()),
            agent,
            request.command().filter(c -> !c.isBlank()),
            request.setup().filter(c -> !c.isBlank()),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            now,
            now);
    Idempotent<String> stored =
        engine
            .deps()
            .store()
            .insertRepo(repo, idempotencyKey)
            .orElseThrow(() -> new RepoExists(name));
    if (stored.replayed()) {
      // Race: two requests with one key passed the first look-up; the second answers with the
      // repo the first stored.
      return Idempotent.replayed(find(stored.value()));
    }
    return Idempotent.created(repo);
  }

  /** The repo, or {@link RepoNotFound}. */
  public Repo find(String name) {
    if (!Names.isValid(name)) {
      throw new RepoNotFound(name);
    }
    return engine.deps().store().findRepo(name).orElseThrow(() -> new RepoNotFound(name));
  }

  /** Changes a repo's settings; a new limit takes effect at once. */
  public Repo change(String name, RepoPatch patch) {
    Repo repo = find(name);
    patch.maxConcurrent().ifPresent(RepoService::requireLimit);
    patch.agent().ifPresent(agent -> engine.deps().agents().require(agent));
    String base = repo.baseBranch();
    if (patch.baseBranch().isPresent()) {
      base = git.requireValidBranch(patch.baseBranch().get());
      git.requireBranch(Path.of(repo.path()), base);
    }
    Repo changed =
        new Repo(
            repo.name(),
            repo.source(),
            repo.path(),
            base,
            patch.maxConcurrent().orElse(repo.maxConcurrent()),
            patch.agent().orElse(repo.agent()),
            patch.command().isPresent()
                ? patch.command().filter(c -> !c.isBlank())
                : repo.command(),
            patch.setup().isPresent() ? patch.setup().filter(c -> !c.isBlank()) : repo.setup(),
            patch.provisionTimeout().or(repo::provisionTimeout),
            patch.runTimeout().or(repo::runTimeout),
            patch.idleTimeout().or(repo::idleTimeout),
            repo.createdAt(),
            engine.now());
    engine.deps().store().updateRepo(changed);
    engine.requestDispatch();
    return changed;
  }

  /** Removes a repo with no unfinished task; its finished tasks and branches stay. */
  public void remove(String name) {
    find(name);
    if (!engine.deps().store().deleteRepo(name)) {
      int unfinished =
          engine
              .deps()
              .store()
              .listTasks(
                  new TaskQuery(
                      Set.of(TaskState.QUEUED, TaskState.PROVISIONING, TaskState.RUNNING),
                      Optional.of(name),
                      10_000))
              .size();
      throw new RepoBusy(name, unfinished);
    }
  }

  private static void requireLimit(int limit) {
    if (limit < 1) {
      throw new BadTaskRequest(
          "maxConcurrent must be at least 1, was " + limit + ".", "Send a whole number >= 1.");
    }
  }
}
