package dev.capstan.task;

import dev.capstan.error.CapstanException;
import dev.capstan.error.ErrorCode;

/** No task has the id given. */
public final class TaskNotFound extends CapstanException {
  private static final long serialVersionUID = 1L;

  /** For an id that is unknown (or not a number at all). */
  public TaskNotFound(String id) {
    super(
        ErrorCode.NOT_FOUND,
        "No task " + id + ".",
        "Task ids are numbers; `capstan task list` (GET /api/tasks) lists them.");
  }
}
