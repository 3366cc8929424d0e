package dev.capstan.daemon.git;

import dev.capstan.error.CapstanException;
import dev.capstan.error.ErrorCode;

/** Cloning a repo URL failed; the message carries git's reason, never a credential of the URL. */
public final class CloneFailed extends CapstanException {
  private static final long serialVersionUID = 1L;

  public CloneFailed(String url, String why) {
    super(
        ErrorCode.CLONE_FAILED,
        "cannot clone " + RepoGit.redact(url) + ": " + RepoGit.redact(why),
        "check the URL and that this machine can reach it without a password prompt"
            + " (an ssh key or a credential helper), then retry");
  }
}
