package dev.capstan.runtime;

import java.util.Objects;

/**
 * How {@link TaskRuntime#finish} commits what an agent left uncommitted.
 *
 * <p>Immutable and thread-safe.
 *
 * @param authorName the commit's author and committer name
 * @param authorEmail the commit's author and committer email
 * @param message the commit message
 */
public record CommitRequest(String authorName, String authorEmail, String message) {
  public CommitRequest {
    requireLine("authorName", authorName);
    requireLine("authorEmail", authorEmail);
    Objects.requireNonNull(message, "message");
    if (message.isBlank()) {
      throw new IllegalArgumentException("message must not be blank");
    }
  }

  private static void requireLine(String name, String value) {
    Objects.requireNonNull(value, name);
    if (value.isBlank() || value.chars().anyMatch(Character::isISOControl)) {
      throw new IllegalArgumentException(name + " must be one non-blank line");
    }
  }
}
