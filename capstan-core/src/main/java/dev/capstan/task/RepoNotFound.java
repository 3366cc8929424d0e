package dev.capstan.task;

import dev.capstan.error.CapstanException;
import dev.capstan.error.ErrorCode;

/** No repo has the name given. */
public final class RepoNotFound extends CapstanException {
  private static final long serialVersionUID = 1L;

  /** For the unknown name. */
  public RepoNotFound(String name) {
    super(
        ErrorCode.NOT_FOUND,
        "No repo named \"" + name + "\".",
        "`capstan repo list` (GET /api/repos) lists them; `capstan repo add` adds one.");
  }
}
