package dev.capstan.daemon.git;

import dev.capstan.error.CapstanException;
import dev.capstan.error.ErrorCode;
import java.nio.file.Path;

/** A branch named for a repo (its base branch) does not exist there. */
public final class BranchNotFound extends CapstanException {
  private static final long serialVersionUID = 1L;

  private final String branch;

  public BranchNotFound(Path repo, String branch) {
    super(
        ErrorCode.BRANCH_NOT_FOUND,
        "branch '" + branch + "' does not exist in " + repo,
        "create it first, or name an existing branch with --base-branch");
    this.branch = branch;
  }

  /** The missing branch. */
  public String branch() {
    return branch;
  }
}
