package dev.capstan.task;

import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A filter over tasks, newest first.
 *
 * <p>Immutable and thread-safe.
 *
 * @param states only these states; empty = any
 * @param repo only this repo
 * @param limit at most this many
 */
public record TaskQuery(Set<TaskState> states, Optional<String> repo, int limit) {
  public TaskQuery {
    states = Set.copyOf(states);
    Objects.requireNonNull(repo, "repo");
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be >= 1, was " + limit);
    }
  }
}
