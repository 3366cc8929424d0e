package dev.capstan.daemon.task;

import dev.capstan.runtime.AgentRun;
import dev.capstan.runtime.Cancellation;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The attempts this daemon supervises right now, by task id.
 *
 * <p>Thread-safe.
 */
final class Supervision {
  private final Map<Long, Supervised> byTask = new ConcurrentHashMap<>();

  /** Registers the supervisor of a task's attempt. */
  Supervised register(long taskId, int attempt) {
    Supervised supervised = new Supervised(taskId, attempt);
    byTask.put(taskId, supervised);
    return supervised;
  }

  /** Removes {@code supervised}, if it is still the one registered. */
  void remove(Supervised supervised) {
    byTask.remove(supervised.taskId, supervised);
  }

  Optional<Supervised> find(long taskId) {
    return Optional.ofNullable(byTask.get(taskId));
  }

  Set<Long> taskIds() {
    return Set.copyOf(byTask.keySet());
  }

  Iterable<Supervised> all() {
    return java.util.List.copyOf(byTask.values());
  }

  /**
   * One supervised attempt. Its {@link #lock} serialises the attempt's own final step (commit and
   * state change) against a person stopping it (cancel, restart, redo) or the daemon stopping:
   * whoever takes it first decides, and {@link #stopped} tells the attempt that it lost.
   *
   * <p>Thread-safe.
   */
  static final class Supervised {
    final long taskId;
    final int attempt;
    final Cancellation cancellation = new Cancellation();
    final AtomicReference<AgentRun> run = new AtomicReference<>();
    final ReentrantLock lock = new ReentrantLock();
    final java.util.concurrent.CountDownLatch ended = new java.util.concurrent.CountDownLatch(1);
    private volatile boolean stopped;

    Supervised(long taskId, int attempt) {
      this.taskId = taskId;
      this.attempt = attempt;
    }

    /** Marks it stopped (call while holding {@link #lock}). */
    void markStopped() {
      stopped = true;
    }

    boolean stopped() {
      return stopped;
    }

    /** Kills whatever runs: provisioning is cancelled, the agent's process tree is killed. */
    void kill() {
      cancellation.cancel();
      AgentRun current = run.get();
      if (current != null) {
        current.cancel();
      }
    }
  }
}
