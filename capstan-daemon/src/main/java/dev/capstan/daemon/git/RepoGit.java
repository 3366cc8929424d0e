package dev.capstan.daemon.git;

import dev.capstan.runtime.InvalidName;
import dev.capstan.runtime.Names;
import dev.capstan.runtime.RuntimeFailure;
import dev.capstan.runtime.Workspaces;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The git questions and actions behind registering a repo: is this a repo, which branch is checked
 * out, does a branch exist, clone a URL. User values are validated before they reach git, and
 * {@code --} separates options from them wherever git allows it.
 *
 * <p>A bare repository is refused: Capstan registers a checkout (the user's, or its own clone) and
 * creates worktrees beside it, and a bare repository has no base checkout to read defaults from.
 *
 * <p>Immutable and thread-safe.
 */
public final class RepoGit {
  /** The default timeout of a clone. */
  public static final Duration DEFAULT_CLONE_TIMEOUT = Duration.ofMinutes(10);

  private static final Pattern URL =
      Pattern.compile("(?i)(https?|ssh|git|file)://.+|[A-Za-z0-9._-]+@[A-Za-z0-9._-]+:.+");
  // why: git accepts shell syntax in ref names; Capstan refuses it so a branch name stays inert
  // wherever it travels (scripts, pod specs, logs).
  private static final Pattern BRANCH_CHARS = Pattern.compile("[A-Za-z0-9._/+@,=-]+");
  private static final Pattern USERINFO = Pattern.compile("(?i)([a-z][a-z0-9+.-]*://)[^/@]*@");

  // why: whether git accepts a name depends on the name alone, and the base branches of a few
  // repos are checked for every task; bounded, since names come from users.
  private static final int MAX_KNOWN_VALID = 1024;

  private final Git git;
  private final Set<String> knownValid = ConcurrentHashMap.newKeySet();

  public RepoGit(Git git) {
    this.git = git;
  }

  /** Where a repo registered by URL is cloned: {@code <home>/repos/<name>}. */
  public static Path cloneTarget(Path home, String name) {
    return home.resolve("repos").resolve(Names.requireValidName("repo", name));
  }

  /** Whether {@code source} is a URL to clone rather than a local path. */
  public static boolean isUrl(String source) {
    return source != null && URL.matcher(source).matches();
  }

  /**
   * The default repo name for a path or URL: its last segment without {@code .git}.
   *
   * @throws InvalidName when that segment is not a valid name (the user then passes one)
   */
  public static String defaultName(String source) {
    String trimmed = source.strip();
    while (trimmed.endsWith("/")) {
      trimmed = trimmed.substring(0, trimmed.length() - 1);
    }
    int cut = Math.max(trimmed.lastIndexOf('/'), trimmed.lastIndexOf(':'));
    String last = trimmed.substring(cut + 1);
    if (last.toLowerCase(Locale.ROOT).endsWith(".git")) {
      last = last.substring(0, last.length() - 4);
    }
    return Names.requireValidName("repo", last);
  }

  /** A URL with any user and password removed, for messages and logs. */
  public static String redact(String url) {
    return USERINFO.matcher(url).replaceAll("$1***@");
  }

  /**
   * The top-level directory of the git checkout at {@code path}.
   *
   * @throws NotAGitRepo when {@code path} is missing, not a directory, not inside a git checkout,
   *     or a bare repository
   */
  public Path toplevel(Path path) {
    Path dir = path.toAbsolutePath().normalize();
    if (!Files.isDirectory(dir)) {
      throw new NotAGitRepo(dir, "it does not exist or is not a directory");
    }
    Git.Result bare = git.run(dir, Git.DEFAULT_TIMEOUT, "rev-parse", "--is-bare-repository");
    if (bare.ok() && bare.stdout().strip().equals("true")) {
      throw new NotAGitRepo(dir, "it is a bare repository; register a checkout (a clone) of it");
    }
    Git.Result top = git.run(dir, Git.DEFAULT_TIMEOUT, "rev-parse", "--show-toplevel");
    if (!top.ok() || top.stdout().isBlank()) {
      throw new NotAGitRepo(dir, top.firstErrorLine());
    }
    return Path.of(top.stdout().strip());
  }

  /** The branch checked out in the repo at {@code repo}; empty on a detached HEAD. */
  public Optional<String> currentBranch(Path repo) {
    Git.Result result =
        git.run(repo, Git.DEFAULT_TIMEOUT, "symbolic-ref", "--quiet", "--short", "HEAD");
    return result.ok() && !result.stdout().isBlank()
        ? Optional.of(result.stdout().strip())
        : Optional.empty();
  }

  /**
   * Whether the local branch {@code branch} exists in {@code repo} and points at a commit.
   *
   * @throws InvalidName when {@code branch} is not a valid branch name
   */
  public boolean branchExists(Path repo, String branch) {
    requireValidBranch(branch);
    return git.run(
            repo,
            Git.DEFAULT_TIMEOUT,
            "rev-parse",
            "--verify",
            "--quiet",
            "refs/heads/" + branch + "^{commit}")
        .ok();
  }

  /**
   * Checks that {@code branch} exists in {@code repo}.
   *
   * @throws BranchNotFound when it does not
   */
  public void requireBranch(Path repo, String branch) {
    if (!branchExists(repo, branch)) {
      throw new BranchNotFound(repo, branch);
    }
  }

  /**
   * Returns {@code branch} when git accepts it as a branch name, it cannot be read as an option or
   * a revision expression, and it uses only letters, digits and {@code . _ / + @ , = -} (no shell
   * syntax, no whitespace).
   *
   * @throws InvalidName otherwise
   */
  public String requireValidBranch(String branch) {
    if (branch == null
        || branch.isEmpty()
        || branch.startsWith("-")
        || branch.contains("@{")
        || branch.length() > 255
        || !BRANCH_CHARS.matcher(branch).matches()) {
      throw InvalidName.branch(branch);
    }
    // why: Capstan's own task branches are valid by construction; asking git costs a process.
    if (Workspaces.workspaceNameOf(branch).isPresent() || knownValid.contains(branch)) {
      return branch;
    }
    Git.Result check =
        git.run(Path.of("/"), Git.DEFAULT_TIMEOUT, "check-ref-format", "--branch", branch);
    if (!check.ok() || !check.stdout().strip().equals(branch)) {
      throw InvalidName.branch(branch);
    }
    if (knownValid.size() >= MAX_KNOWN_VALID) {
      knownValid.clear();
    }
    knownValid.add(branch);
    return branch;
  }

  /**
   * Clones {@code url} into {@code target} (which must not exist yet) within {@code timeout}, with
   * no prompt for credentials. A failed clone leaves nothing behind.
   *
   * @throws CloneFailed when the URL is refused, the target exists, or git fails or times out
   */
  public Path clone(String url, Path target, Duration timeout) {
    if (url == null || url.isBlank() || url.startsWith("-") || !isUrl(url)) {
      throw new CloneFailed(url == null ? "" : url, "it is not a URL Capstan clones");
    }
    if (url.chars().anyMatch(Character::isISOControl)) {
      throw new CloneFailed(url, "it contains control characters");
    }
    if (Files.exists(target)) {
      throw new CloneFailed(url, "the directory " + target + " already exists");
    }
    try {
      Files.createDirectories(target.getParent());
    } catch (IOException e) {
      throw new CloneFailed(url, "cannot create " + target.getParent() + ": " + e.getMessage());
    }
    Git.Result result;
    try {
      result =
          git.run(
              target.getParent(),
              timeout,
              List.of("clone", "--quiet", "--no-hardlinks", "--", url, target.toString()));
    } catch (RuntimeFailure e) {
      deleteQuietly(target);
      throw new CloneFailed(url, e.getMessage());
    }
    if (!result.ok()) {
      deleteQuietly(target);
      throw new CloneFailed(url, result.firstErrorLine());
    }
    return target;
  }

  private static void deleteQuietly(Path dir) {
    try {
      FileTrees.delete(dir);
    } catch (IOException e) {
      // why: the clone already failed; a leftover directory is reported by the next clone.
    }
  }
}
