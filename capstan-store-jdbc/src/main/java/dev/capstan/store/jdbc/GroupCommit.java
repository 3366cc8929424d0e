package dev.capstan.store.jdbc;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.transaction.TransactionException;

/**
 * Group commit for SQLite's single writer. Callers queue their unit of work; whoever runs the
 * batches (see below) takes what is queued (up to {@link #MAX_BATCH} units) and runs it in one
 * transaction, each unit inside its own savepoint, and commits once, so one sync of the WAL makes
 * the whole batch durable.
 *
 * <p>What each caller sees is what a transaction of its own would give it: its result (or its
 * exception) only after its writes are committed; a unit that throws is rolled back to its
 * savepoint and only its caller gets the exception; a failed commit fails every unit of the batch.
 * Units run one after another in queue order, so each sees the writes of the units before it. A
 * unit that writes again through the same {@code GroupCommit} runs inline, in a nested savepoint of
 * the batch it belongs to.
 *
 * <p>Who runs the batches: a caller on a platform thread leads when no batch is running, as in the
 * classic leader/follower group commit, so a write of a quiet daemon costs no thread switch. A
 * caller on a virtual thread never leads; a writer thread of its own runs its batch. The SQLite
 * driver works, the sync included, in native code, which pins a virtual thread to its carrier: a
 * virtual thread leading would hold one of the few carriers through every sync and stall every
 * other virtual thread behind it. Waiting callers only park, which frees their carrier.
 *
 * <p>Thread-safe. {@link #close} stops the writer after what is queued.
 */
final class GroupCommit implements AutoCloseable {
  /** The most units one transaction holds. */
  static final int MAX_BATCH = 256;

  private static final Duration CLOSE_WAIT = Duration.ofSeconds(30);

  private final Jdbi jdbi;
  private final ConcurrentLinkedQueue<Unit<?, ?>> queue = new ConcurrentLinkedQueue<>();
  private final ThreadLocal<Running> running = new ThreadLocal<>();
  private final AtomicLong commits = new AtomicLong();
  private final Thread writer;
  // why: held by whoever runs batches (a leading caller or the writer thread), so one batch runs
  // at a time.
  private final ReentrantLock writing = new ReentrantLock();
  private volatile boolean closed;

  GroupCommit(Jdbi jdbi) {
    this.jdbi = jdbi;
    this.writer = Thread.ofPlatform().daemon().name("db-writer").start(this::writeLoop);
  }

  /**
   * Runs {@code callback} in a batch of the group commit and returns its result once the batch is
   * committed.
   *
   * @throws IllegalStateException when the database is closed
   */
  <R, X extends Exception> R run(HandleCallback<R, X> callback) throws X {
    Running current = running.get();
    if (current != null) {
      return nested(current, callback);
    }
    if (closed) {
      throw new IllegalStateException("the database is closed");
    }
    Unit<R, X> unit = new Unit<>(callback, Thread.currentThread());
    queue.add(unit);
    if (!Thread.currentThread().isVirtual() && writing.tryLock()) {
      try {
        while (!unit.done) {
          commitBatch(drain());
        }
      } finally {
        writing.unlock();
      }
      if (!queue.isEmpty()) {
        // why: units queued behind this leader's last batch are the writer thread's now.
        LockSupport.unpark(writer);
      }
    } else {
      LockSupport.unpark(writer);
    }
    if (closed) {
      // why: a unit queued while the writer was stopping may never be taken; fail it ourselves
      // unless the writer got to it.
      failLeftovers();
    }
    unit.await();
    return unit.outcome();
  }

  /** Transactions committed so far. */
  long commits() {
    return commits.get();
  }

  /** Stops the writer once what is queued now is written; later calls fail. */
  @Override
  public void close() {
    closed = true;
    LockSupport.unpark(writer);
    try {
      writer.join(CLOSE_WAIT);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    failLeftovers();
  }

  private void writeLoop() {
    while (true) {
      if (!queue.isEmpty()) {
        writing.lock();
        try {
          List<Unit<?, ?>> batch;
          while (!(batch = drain()).isEmpty()) {
            commitBatch(batch);
          }
        } finally {
          writing.unlock();
        }
      } else if (closed) {
        return;
      } else {
        // why: a caller queues its unit before it unparks this thread (and a leader unparks it
        // for what it left queued), so a unit queued after the check above leaves a permit and
        // this park returns at once.
        LockSupport.park(this);
      }
    }
  }

  private void failLeftovers() {
    Unit<?, ?> left;
    while ((left = queue.poll()) != null) {
      left.failBatch(new IllegalStateException("the database is closed"));
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
      if (batch.size() == 1) {
        // why: a unit alone needs no savepoint: when it throws, rolling the transaction back
        // undoes exactly its writes. Two statements fewer for each write of a quiet daemon.
        if (!batch.get(0).runIn(handle)) {
          handle.rollback();
          closeQuietly(handle);
          batch.get(0).complete();
          return;
        }
      } else {
        for (Unit<?, ?> unit : batch) {
          runInSavepoint(handle, unit);
        }
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
    private final Thread waiter;
    private R value;
    private Throwable failure;
    private volatile boolean done;

    Unit(HandleCallback<R, X> callback, Thread waiter) {
      this.callback = callback;
      this.waiter = waiter;
    }

    /**
     * Parks the caller until its batch is decided. Not interruptible: the unit is queued and its
     * outcome must be waited for; an interrupt is kept for the caller to see afterwards.
     */
    void await() {
      boolean interrupted = false;
      while (!done) {
        LockSupport.park(this);
        if (Thread.interrupted()) {
          interrupted = true;
        }
      }
      if (interrupted) {
        waiter.interrupt();
      }
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
      LockSupport.unpark(waiter);
    }

    /** The batch failed: a unit that had not failed on its own fails with the batch. */
    void failBatch(Throwable cause) {
      if (failure == null) {
        failure = new TransactionException("the write transaction failed: " + cause, cause);
      }
      value = null;
      done = true;
      LockSupport.unpark(waiter);
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
