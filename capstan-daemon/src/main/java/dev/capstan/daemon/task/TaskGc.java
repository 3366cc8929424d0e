package dev.capstan.daemon.task;

import dev.capstan.runtime.RuntimeFailure;
import dev.capstan.runtime.WorkspaceUsage;
import dev.capstan.task.Task;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Worktree garbage collection: removes the worktrees of finished tasks (completed, failed,
 * cancelled) that last changed longer ago than {@code tasks.worktreeRetention}, and worktrees of
 * tasks that no longer exist. Branches are always kept.
 *
 * <p>Thread-safe.
 */
public final class TaskGc {
  private static final Logger log = LoggerFactory.getLogger(TaskGc.class);

  private final TaskEngine engine;

  public TaskGc(TaskEngine engine) {
    this.engine = engine;
  }

  /** Disk used by all worktrees, and how many there are. */
  public record Usage(long diskUsedBytes, int worktrees) {}

  /** One removed (or, in a dry run, removable) worktree. */
  public record Removed(String path, Long taskId, long bytes) {}

  /** The result of a collection. */
  public record Collected(List<Removed> removed, long bytesFreed, long diskUsedBytes) {}

  /** Current disk use. */
  public Usage usage() {
    List<WorkspaceUsage> all = engine.deps().runtime().workspaces();
    return new Usage(all.stream().mapToLong(WorkspaceUsage::bytes).sum(), all.size());
  }

  /** Removes (or with {@code dryRun} only lists) what is past its retention. */
  public Collected collect(boolean dryRun) {
    Instant cutoff = engine.now().minus(engine.deps().settings().worktreeRetention());
    List<Removed> removed = new ArrayList<>();
    long used = 0;
    for (WorkspaceUsage usage : engine.deps().runtime().workspaces()) {
      Optional<Task> task = engine.deps().store().findTask(usage.ref().taskId());
      boolean expired =
          task.isEmpty()
              || (task.get().state().isTerminal() && task.get().updatedAt().isBefore(cutoff));
      if (!expired) {
        used += usage.bytes();
        continue;
      }
      if (!dryRun) {
        try {
          engine.deps().runtime().remove(usage.ref());
        } catch (RuntimeFailure e) {
          log.warn("gc could not remove {}: {}", usage.path(), e.getMessage());
          used += usage.bytes();
          continue;
        }
      } else {
        used += usage.bytes();
      }
      removed.add(new Removed(usage.path().toString(), usage.ref().taskId(), usage.bytes()));
    }
    long freed = dryRun ? 0 : removed.stream().mapToLong(Removed::bytes).sum();
    if (!dryRun && !removed.isEmpty()) {
      log.info("gc removed worktrees={} bytesFreed={}", removed.size(), freed);
    }
    return new Collected(removed, freed, used);
  }
}
