package dev.capstan.task;

import java.util.Objects;

/**
 * Why a queued task waits, in the words users see: {@code global limit 5/5} or {@code repo limit
 * 2/2 (acme)}.
 *
 * <p>Immutable and thread-safe.
 *
 * @param limit which limit holds it back
 * @param text the sentence
 */
public record PendingReason(Limit limit, String text) {
  public PendingReason {
    Objects.requireNonNull(limit, "limit");
    Objects.requireNonNull(text, "text");
  }

  /** The global limit is full. */
  public static PendingReason global(int active, int limit) {
    return new PendingReason(Limit.GLOBAL, "global limit " + active + "/" + limit);
  }

  /** The repo's limit is full. */
  public static PendingReason repo(String repo, int active, int limit) {
    return new PendingReason(Limit.REPO, "repo limit " + active + "/" + limit + " (" + repo + ")");
  }

  /** Which limit a task waits for. */
  public enum Limit {
    GLOBAL,
    REPO
  }

  @Override
  public String toString() {
    return text;
  }
}
