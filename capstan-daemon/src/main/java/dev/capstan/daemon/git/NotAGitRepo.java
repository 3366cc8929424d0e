package dev.capstan.daemon.git;

import dev.capstan.error.CapstanException;
import dev.capstan.error.ErrorCode;
import java.nio.file.Path;

/** A path given as a repo is not a git checkout. */
public final class NotAGitRepo extends CapstanException {
  private static final long serialVersionUID = 1L;

  public NotAGitRepo(Path path, String why) {
    super(
        ErrorCode.NOT_A_GIT_REPO,
        "'" + path + "' is not a git repository: " + why,
        "pass the directory of a git checkout (run 'git init' there first), or a URL to clone");
  }
}
