package dev.capstan.task;

import dev.capstan.event.EventData;
import dev.capstan.event.EventLog;
import dev.capstan.event.StreamName;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Why a running task waits for something other than a slot: its agent waits for a person's
 * approval. The reason is shown as the task's {@code pendingReason} and announced as {@code
 * task.pending} on {@code task/<id>} and {@code tasks}, like the reason of a queued task.
 *
 * <p>In memory: a waiting attempt lives in this daemon only, and a restart interrupts it.
 * Thread-safe.
 */
public final class TaskWaits {
  private final EventLog events;
  private final Map<Long, String> reasons = new ConcurrentHashMap<>();

  public TaskWaits(EventLog events) {
    this.events = events;
  }

  /** Task {@code taskId} of {@code repo} now waits, for {@code reason}. */
  public void waiting(long taskId, String repo, String reason) {
    if (!reason.equals(reasons.put(taskId, reason))) {
      announce(taskId, repo, reason);
    }
  }

  /** Task {@code taskId} of {@code repo} no longer waits. */
  public void clear(long taskId, String repo) {
    if (reasons.remove(taskId) != null) {
      announce(taskId, repo, null);
    }
  }

  /** Why the task waits, if it does. */
  public Optional<String> reason(long taskId) {
    return Optional.ofNullable(reasons.get(taskId));
  }

  private void announce(long taskId, String repo, String reason) {
    EventData.TaskPending data = new EventData.TaskPending(taskId, repo, reason);
    events.append(StreamName.task(taskId), data);
    events.append(StreamName.TASKS, data);
  }
}
