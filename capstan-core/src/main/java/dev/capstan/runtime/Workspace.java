package dev.capstan.runtime;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A ready workspace of one attempt: a git worktree on the attempt's branch.
 *
 * <p>Immutable and thread-safe.
 *
 * @param ref which workspace this is (repo, task, directory name)
 * @param path the worktree directory, as the agent sees it
 * @param branch the branch checked out in it
 * @param baseCommit the commit the branch is measured against (the base branch's tip for a new
 *     branch; the merge base with the base branch for a continued one)
 */
public record Workspace(WorkspaceRef ref, Path path, String branch, String baseCommit) {
  public Workspace {
    Objects.requireNonNull(ref, "ref");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(branch, "branch");
    Objects.requireNonNull(baseCommit, "baseCommit");
  }
}
