package dev.capstan.task;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the dispatcher decides on: the queued tasks, how many tasks of each repo hold a slot, and
 * the limits.
 *
 * <p>Immutable and thread-safe.
 *
 * @param queued the queued tasks, in any order
 * @param activeByRepo provisioning + running tasks per repo (a missing repo has 0)
 * @param globalLimit at most this many active tasks in all
 * @param repoLimits at most this many active tasks per repo (a missing repo has {@code
 *     defaultRepoLimit})
 * @param defaultRepoLimit the limit of a repo missing from {@code repoLimits}
 */
public record DispatchSnapshot(
    List<Queued> queued,
    Map<String, Integer> activeByRepo,
    int globalLimit,
    Map<String, Integer> repoLimits,
    int defaultRepoLimit) {
  public DispatchSnapshot {
    queued = List.copyOf(queued);
    activeByRepo = Map.copyOf(activeByRepo);
    repoLimits = Map.copyOf(repoLimits);
    if (globalLimit < 1 || defaultRepoLimit < 1) {
      throw new IllegalArgumentException(
          "limits must be >= 1, were " + globalLimit + " and " + defaultRepoLimit);
    }
  }

  /**
   * A queued task as the dispatcher sees it.
   *
   * @param taskId the task
   * @param repo its repo
   * @param priority higher first
   * @param createdAt earlier first among equal priorities
   */
  public record Queued(long taskId, String repo, int priority, Instant createdAt) {
    public Queued {
      Objects.requireNonNull(repo, "repo");
      Objects.requireNonNull(createdAt, "createdAt");
    }
  }
}
