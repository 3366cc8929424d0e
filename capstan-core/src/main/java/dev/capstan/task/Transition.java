package dev.capstan.task;

import java.util.Objects;

/**
 * The result of {@link TaskTransitions#apply}: applied, or lost to a concurrent change.
 *
 * <p>Implementations are immutable and thread-safe.
 */
public sealed interface Transition {
  /**
   * The change was committed (and published).
   *
   * @param before the task as the caller saw it
   * @param after the task as committed
   */
  record Applied(Task before, Task after) implements Transition {
    public Applied {
      Objects.requireNonNull(before, "before");
      Objects.requireNonNull(after, "after");
    }
  }

  /**
   * Someone else changed the task first (its state or attempt was no longer what the caller saw);
   * nothing was written or published.
   *
   * @param taskId the task
   */
  record Lost(long taskId) implements Transition {}

  /** Whether the change was applied. */
  default boolean applied() {
    return this instanceof Applied;
  }
}
