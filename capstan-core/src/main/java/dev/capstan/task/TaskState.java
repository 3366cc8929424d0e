package dev.capstan.task;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * The states of a task and the one table of allowed moves between them, mirroring the state machine
 * of the architecture:
 *
 * <pre>
 * queued → provisioning → running → pr_opened → completed
 *    │          │             ├────→ completed          (local repo: branch kept, no forge)
 *    │          │             ├────→ needs_attention → queued | cancelled
 *    │          │             └────→ failed → queued (retry)
 *    └──────────┴─────────────┴────→ cancelled → queued (retry)
 * provisioning → queued (worker lost, auto retry)      running → queued (interrupted, auto retry)
 * </pre>
 *
 * <p>One addition: {@code provisioning → failed}, for a workspace that cannot be provisioned (setup
 * failed, provisioning timed out) or a task whose automatic retries are exhausted while it was
 * provisioning.
 *
 * <p>Immutable and thread-safe.
 */
public enum TaskState {
  QUEUED,
  PROVISIONING,
  RUNNING,
  PR_OPENED,
  COMPLETED,
  NEEDS_ATTENTION,
  FAILED,
  CANCELLED;

  /** Whether the state machine allows moving from this state to {@code next}. */
  public boolean canMoveTo(TaskState next) {
    return switch (this) {
      case QUEUED -> next == PROVISIONING || next == CANCELLED;
      case PROVISIONING -> next == RUNNING || next == CANCELLED || next == QUEUED || next == FAILED;
      case RUNNING ->
          next == PR_OPENED
              || next == COMPLETED
              || next == NEEDS_ATTENTION
              || next == FAILED
              || next == CANCELLED
              || next == QUEUED;
      case PR_OPENED -> next == COMPLETED;
      case NEEDS_ATTENTION -> next == QUEUED || next == CANCELLED;
      case FAILED, CANCELLED -> next == QUEUED;
      case COMPLETED -> false;
    };
  }

  /** Provisioning or running: the task holds a slot under the concurrency limits. */
  public boolean isActive() {
    return this == PROVISIONING || this == RUNNING;
  }

  /** Completed, failed or cancelled: nothing happens until a person retries. */
  public boolean isTerminal() {
    return this == COMPLETED || this == FAILED || this == CANCELLED;
  }

  /** The name on the wire and in the database, for example {@code needs_attention}. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The state with this wire name, if any. */
  public static Optional<TaskState> fromWireName(String name) {
    return Arrays.stream(values()).filter(state -> state.wireName().equals(name)).findFirst();
  }

  @Override
  public String toString() {
    return wireName();
  }
}
