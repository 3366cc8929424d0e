package dev.capstan.store.jdbc;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checkpoints SQLite's write-ahead log on a thread of its own, so no commit pays for it: every
 * {@link #INTERVAL} (by default) in which something was committed, a passive checkpoint copies what
 * it can of the WAL into the database file without waiting for readers or writers (SQLite then
 * starts the WAL over once it was copied whole). The last connection to close checkpoints what is
 * left.
 *
 * <p>Thread-safe.
 */
final class Checkpointer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Checkpointer.class);

  /** How often the WAL is checkpointed while writes come in. */
  static final Duration INTERVAL = Duration.ofMillis(500);

  private final Jdbi jdbi;
  private final LongSupplier commits;
  private final Duration interval;
  private final Thread thread;
  private volatile boolean closed;
  private long checkpointedAt = -1;

  private Checkpointer(Jdbi jdbi, LongSupplier commits, Duration interval) {
    this.jdbi = jdbi;
    this.commits = commits;
    this.interval = interval;
    this.thread = Thread.ofPlatform().daemon().name("db-checkpoint").unstarted(this::loop);
  }

  /**
   * Starts checkpointing the database behind {@code jdbi} every {@code interval}; {@code commits}
   * counts its commits.
   */
  static Checkpointer start(Jdbi jdbi, LongSupplier commits, Duration interval) {
    Checkpointer checkpointer = new Checkpointer(jdbi, commits, interval);
    checkpointer.thread.start();
    return checkpointer;
  }

  private void loop() {
    while (!closed) {
      LockSupport.parkNanos(this, interval.toNanos());
      if (!closed) {
        checkpointIfWritten();
      }
    }
  }

  /** Runs one passive checkpoint if anything was committed since the last one. */
  void checkpointIfWritten() {
    long now = commits.getAsLong();
    if (now == checkpointedAt) {
      return;
    }
    try {
      jdbi.useHandle(
          handle -> {
            try (java.sql.Statement statement = handle.getConnection().createStatement()) {
              statement.execute("PRAGMA wal_checkpoint(PASSIVE)");
            }
          });
      checkpointedAt = now;
    } catch (java.sql.SQLException | RuntimeException e) {
      if (!closed) {
        log.warn("WAL checkpoint failed; the next one retries: {}", e.getMessage());
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    LockSupport.unpark(thread);
    try {
      thread.join(TimeUnit.SECONDS.toMillis(30));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
