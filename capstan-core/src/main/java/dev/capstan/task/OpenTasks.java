package dev.capstan.task;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

/**
 * The unfinished tasks (queued, provisioning, running) in memory, so a dispatch pass plans without
 * reading the store. It is loaded from the store and then kept current by the writers of task
 * states, which report each committed change ({@link #changed}) while holding the task's lock, so
 * the changes of one task land in the order they committed.
 *
 * <p>Why it can be trusted with the limits: a task becomes active only through a dispatch that
 * reports it, and a write whose outcome is unknown (it threw) marks the view stale, so the next
 * pass reloads it ({@link #reloadIfStale}) instead of planning over it. A task the view still holds
 * as queued after it moved on is harmless: starting it loses the compare-and-set, and the
 * dispatcher reports what it found.
 *
 * <p>Thread-safe.
 */
public final class OpenTasks {
  private static final int STRIPES = 256;

  private final Supplier<List<OpenTask>> load;
  private final Map<Long, OpenTask> open = new ConcurrentHashMap<>();
  private final ReentrantLock[] stripes = new ReentrantLock[STRIPES];
  // why: writers hold it shared while they write and report; a reload holds it alone, so no
  // change can commit between its read of the store and its replacing the view.
  private final ReentrantReadWriteLock reload = new ReentrantReadWriteLock();
  private volatile boolean stale = true;

  /** A view that loads itself with {@code load} (the store's unfinished tasks) when first used. */
  public OpenTasks(Supplier<List<OpenTask>> load) {
    this.load = Objects.requireNonNull(load, "load");
    for (int i = 0; i < STRIPES; i++) {
      stripes[i] = new ReentrantLock();
    }
  }

  /** The view of an unfinished task, or null for a finished one. */
  public static OpenTask of(Task task) {
    return task.state() == TaskState.QUEUED || task.state().isActive()
        ? new OpenTask(task.id(), task.repo(), task.priority(), task.createdAt(), task.state())
        : null;
  }

  /**
   * Runs {@code write}, a compare-and-set of task {@code taskId}'s state, holding that task's lock,
   * and notes the task it committed (empty: it lost, nothing was written). A write that throws
   * leaves the view stale.
   */
  public Optional<Task> write(long taskId, Supplier<Optional<Task>> write) {
    return underTaskLock(
        taskId,
        () -> {
          Optional<Task> committed;
          try {
            committed = write.get();
          } catch (RuntimeException | Error e) {
            stale = true;
            throw e;
          }
          committed.ifPresent(this::changed);
          return committed;
        });
  }

  /** Notes the state of a task as it was just read from the store (it moved on unseen). */
  public void refresh(long taskId, Supplier<Optional<Task>> read) {
    underTaskLock(
        taskId,
        () -> {
          read.get().ifPresentOrElse(this::changed, () -> open.remove(taskId));
          return null;
        });
  }

  /**
   * Runs {@code step} holding task {@code taskId}'s lock (so its changes land in commit order) and
   * the reload lock shared (so no reload runs between a commit and its note).
   */
  private <T> T underTaskLock(long taskId, Supplier<T> step) {
    ReentrantLock lock = stripes[(int) Math.floorMod(taskId, (long) STRIPES)];
    reload.readLock().lock();
    lock.lock();
    try {
      return step.get();
    } finally {
      lock.unlock();
      reload.readLock().unlock();
    }
  }

  /** Notes a committed state of a task; call it from inside {@link #write}. */
  private void changed(Task task) {
    OpenTask view = of(task);
    if (view == null) {
      open.remove(task.id());
    } else {
      open.put(task.id(), view);
    }
  }

  /**
   * Notes a task just created (committed), unless a later change of it was noted first. Tasks
   * created as queued cannot be active, so a stale entry here can only be a queued one.
   */
  public void created(Task task) {
    OpenTask view = of(task);
    if (view != null) {
      underTaskLock(task.id(), () -> open.putIfAbsent(task.id(), view));
    }
  }

  /** Marks the view stale: the next {@link #reloadIfStale} reads the store again. */
  public void invalidate() {
    stale = true;
  }

  /** Reloads the view from the store when it is stale (or was never loaded). */
  public void reloadIfStale() {
    if (!stale) {
      return;
    }
    reload.writeLock().lock();
    try {
      if (!stale) {
        return;
      }
      List<OpenTask> loaded = load.get();
      open.clear();
      for (OpenTask task : loaded) {
        open.put(task.id(), task);
      }
      stale = false;
    } finally {
      reload.writeLock().unlock();
    }
  }

  /** The unfinished tasks now, in id order, loaded first if stale. */
  public List<OpenTask> snapshot() {
    reloadIfStale();
    List<OpenTask> tasks = new ArrayList<>(open.values());
    tasks.sort((a, b) -> Long.compare(a.id(), b.id()));
    return tasks;
  }
}
