package dev.capstan.task;

import dev.capstan.error.CapstanException;
import dev.capstan.error.ErrorCode;

/** A task that has used up its retries. */
public final class RetryLimit extends CapstanException {
  private static final long serialVersionUID = 1L;

  /** For the task and the limit it reached. */
  public RetryLimit(long taskId, int limit) {
    super(
        ErrorCode.RETRY_LIMIT,
        "Task " + taskId + " has been retried " + limit + " times, the retry limit.",
        "Submit a new task, or raise tasks.retryLimit / CAPSTAN_TASK_RETRY_LIMIT.");
  }
}
