package dev.capstan.task;

import dev.capstan.error.CapstanException;
import dev.capstan.error.ErrorCode;

/** A repo of that name is already registered. */
public final class RepoExists extends CapstanException {
  private static final long serialVersionUID = 1L;

  /** For the taken name. */
  public RepoExists(String name) {
    super(
        ErrorCode.REPO_EXISTS,
        "A repo named \"" + name + "\" already exists.",
        "Choose another name with --name, or remove the existing one with `capstan repo rm "
            + name
            + "`.");
  }
}
