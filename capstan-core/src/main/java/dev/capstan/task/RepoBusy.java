package dev.capstan.task;

import dev.capstan.error.CapstanException;
import dev.capstan.error.ErrorCode;

/** A repo that still has queued or active tasks cannot be removed. */
public final class RepoBusy extends CapstanException {
  private static final long serialVersionUID = 1L;

  /** For the repo and how many of its tasks are not finished. */
  public RepoBusy(String name, int unfinished) {
    super(
        ErrorCode.REPO_BUSY,
        "Repo \"" + name + "\" has " + unfinished + " queued, provisioning or running task(s).",
        "Cancel them first (`capstan task cancel --all-active` or one by one), then remove it.");
  }
}
