package dev.capstan.store.jdbc;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.transaction.TransactionException;

/**
 * Group commit for SQLite's single writer. A caller queues its unit of work and either waits while
 * another caller leads or becomes the leader itself; the leader runs every queued unit (up to
 * {@link #MAX_BATCH}) in one transaction, each inside its own savepoint, and commits once, so one
 * sync of the WAL makes the whole batch durable.
 *
 * <p>What each caller sees is what a transaction of its own would give it: its result (or its
 * exception) only after its writes are committed; a unit that throws is rolled back to its
 * savepoint and only its caller gets the exception; a failed commit fails every unit of the batch.
 * Units run one after another in queue order, so each sees the writes of the units before it. A
 * unit that writes again through the same {@code GroupCommit} on its own thread runs inline, in a
 * nested savepoint of the batch it belongs to.
 *
 * <p>Thread-safe.
 */
final class GroupCommit {
  /** The most units one transaction holds. */
  static final int MAX_BATCH = 256;

  private final Jdbi jdbi;
  private final ConcurrentLinkedQueue<Unit<?, ?>> queue = new ConcurrentLinkedQueue<>();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition turnOver = lock.newCondition();
  // guarded by lock
  private boolean leading;
  private final ThreadLocal<Running> running = new ThreadLocal<>();
  private final AtomicLong commits = new AtomicLong();

  GroupCommit(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  /**
   * Runs {@code callback} in a batch of the group commit and returns its result once the batch is
   * committed.
   */
  <R, X extends Exception> R run(HandleCallback<R, X> callback) throws X {
    Running current = running.get();
    if (current != null) {
      return nested(current, callback);
    }
    Unit<R, X> unit = new Unit<>(callback);
    queue.add(unit);
    awaitOrLead(unit);
    return unit.outcome();
  }

  /** Transactions committed so far. */
  long commits() {
    return commits.get();
  }

  private void awaitOrLead(Unit<?, ?> unit) {
    lock.lock();
    try {
      // why: no deadline of its own: the unit is queued and will run in the current leader's next
      // batch or in this caller's own; each batch is bounded by the database's busy timeout.
      while (!unit.done && leading) {
        turnOver.awaitUninterruptibly();
      }
      if (unit.done) {
        return;
      }
      leading = true;
    } finally {
      lock.unlock();
    }
    try {
      while (!unit.done) {
        commitBatch(drain());
        signalWaiters();
      }
    } finally {
      lock.lock();
      try {
        leading = false;
        turnOver.signalAll();
      } finally {
        lock.unlock();
      }
    }
  }

  private void signalWaiters() {
    lock.lock();
    try {
      turnOver.signalAll();
    } finally {
      lock.unlock();
    }
  }

  private List<Unit<?, ?>> drain() {
    List<Unit<?, ?>> batch = new ArrayList<>();
    Unit<?, ?> next;
    while (batch.size() < MAX_BATCH && (next = queue.poll()) != null) {
      batch.add(next);
    }
    return batch;
  }

  private void commitBatch(List<Unit<?, ?>> batch) {
    Handle handle;
    try {
      handle = jdbi.open();
    } catch (RuntimeException | Error e) {
      failAll(batch, e);
      return;
    }
    try {
      handle.begin();
      running.set(new Running(handle));
      for (Unit<?, ?> unit : batch) {
        runInSavepoint(handle, unit);
      }
      handle.commit();
      commits.incrementAndGet();
    } catch (RuntimeException | Error e) {
      rollbackQuietly(handle, e);
      failAll(batch, e);
      closeQuietly(handle);
      return;
    } finally {
      running.remove();
    }
    closeQuietly(handle);
    for (Unit<?, ?> unit : batch) {
      unit.complete();
    }
  }

  private static void runInSavepoint(Handle handle, Unit<?, ?> unit) {
    handle.execute("SAVEPOINT capstan_unit");
    if (!unit.runIn(handle)) {
      // why: a unit that threw (even one that caught an SQL error and threw something else) leaves
      // none of its writes behind; the units before and after it are untouched.
      handle.execute("ROLLBACK TO SAVEPOINT capstan_unit");
    }
    handle.execute("RELEASE SAVEPOINT capstan_unit");
  }

  private <R, X extends Exception> R nested(Running current, HandleCallback<R, X> callback)
      throws X {
    Handle handle = current.handle;
    String savepoint = "capstan_nested_" + ++current.depth;
    try {
      handle.execute("SAVEPOINT " + savepoint);
      R value;
      try {
        value = callback.withHandle(handle);
      } catch (Exception | Error e) {
        handle.execute("ROLLBACK TO SAVEPOINT " + savepoint);
        handle.execute("RELEASE SAVEPOINT " + savepoint);
        throw e;
      }
      handle.execute("RELEASE SAVEPOINT " + savepoint);
      return value;
    } finally {
      current.depth--;
    }
  }

  private static void failAll(List<Unit<?, ?>> batch, Throwable cause) {
    for (Unit<?, ?> unit : batch) {
      unit.failBatch(cause);
    }
  }

  private static void rollbackQuietly(Handle handle, Throwable cause) {
    try {
      handle.rollback();
    } catch (RuntimeException e) {
      cause.addSuppressed(e);
    }
  }

  private static void closeQuietly(Handle handle) {
    try {
      handle.close();
    } catch (RuntimeException e) {
      // why: the batch's outcome is decided; a connection that fails to close is the pool's
      // problem, not the callers'.
    }
  }

  /** The handle of the batch this thread is running, and how deep nested units go. */
  private static final class Running {
    final Handle handle;
    int depth;

    Running(Handle handle) {
      this.handle = handle;
    }
  }

  /** One caller's work and, once its batch is decided, its outcome. */
  private static final class Unit<R, X extends Exception> {
    private final HandleCallback<R, X> callback;
    private R value;
    private Throwable failure;
    private volatile boolean done;

    Unit(HandleCallback<R, X> callback) {
      this.callback = callback;
    }

    /** Runs the callback; false when it threw (its exception is kept for its caller). */
    boolean runIn(Handle handle) {
      try {
        value = callback.withHandle(handle);
        return true;
      } catch (Exception | Error e) {
        failure = e;
        return false;
      }
    }

    /** The batch committed: the caller gets its value or its own exception. */
    void complete() {
      done = true;
    }

    /** The batch failed: a unit that had not failed on its own fails with the batch. */
    void failBatch(Throwable cause) {
      if (failure == null) {
        failure = new TransactionException("the write transaction failed: " + cause, cause);
      }
      value = null;
      done = true;
    }

    @SuppressWarnings("unchecked")
    R outcome() throws X {
      if (failure == null) {
        return value;
      }
      if (failure instanceof RuntimeException e) {
        throw e;
      }
      if (failure instanceof Error e) {
        throw e;
      }
      // why: a callback throws only X or unchecked exceptions, so a checked one is an X.
      throw (X) failure;
    }
  }
}
