package dev.capstan.runtime;

import java.util.Objects;

/**
 * What {@link TaskRuntime#finish} left on the branch.
 *
 * <p>Immutable and thread-safe.
 *
 * @param commit the branch's tip after finishing (the base commit when nothing changed)
 * @param committedChanges whether Capstan made a commit of uncommitted changes
 * @param diffstat the change of the branch against the workspace's base commit
 */
public record CommitResult(String commit, boolean committedChanges, Diffstat diffstat) {
  public CommitResult {
    Objects.requireNonNull(commit, "commit");
    Objects.requireNonNull(diffstat, "diffstat");
  }
}
