package dev.capstan.store.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * A migrated database and its connection pool: SQLite (WAL) in the home by default, PostgreSQL when
 * a JDBC URL is given.
 *
 * <p>Thread-safe. Close it last, after every user of {@link #jdbi()} has stopped.
 */
public final class Database implements AutoCloseable {
  private static final int SQLITE_POOL_SIZE = 4;
  private static final int POSTGRES_POOL_SIZE = 8;
  private static final int BUSY_TIMEOUT_MILLIS = 10_000;

  private final HikariDataSource dataSource;
  private final Jdbi jdbi;
  private final SqlDialect dialect;
  // why: SQLite has one writer at a time and every commit syncs the WAL (synchronous=FULL); the
  // hot writers queue here and commit together, one sync per batch, instead of one each (and
  // instead of sleeping in SQLite's busy handler for each other). Null for PostgreSQL, whose
  // row locks and concurrent commits need no such help.
  private final GroupCommit groupCommit;
  private final Checkpointer checkpointer;

  private Database(HikariDataSource dataSource, SqlDialect dialect, Duration checkpointInterval) {
    this.dataSource = dataSource;
    this.dialect = dialect;
    this.jdbi = Jdbi.create(dataSource);
    this.groupCommit = dialect instanceof SqliteDialect ? new GroupCommit(jdbi) : null;
    this.checkpointer =
        groupCommit == null
            ? null
            : Checkpointer.start(jdbi, groupCommit::commits, checkpointInterval);
  }

  /**
   * Runs {@code callback} as a unit of writes that commits atomically, and returns its result once
   * it is committed. On SQLite, units that arrive together are group-committed: one transaction
   * (and one sync) for the batch, each unit in its own savepoint, so a unit that throws is rolled
   * back alone and only its caller sees the exception; a failed commit fails every unit of the
   * batch. A unit sees the writes of the units committed before it or queued ahead of it in its
   * batch. Calling this again from inside {@code callback} runs the inner unit inline (nested
   * savepoint). On PostgreSQL, a plain transaction per call.
   */
  public <R, X extends Exception> R inWriteTransaction(HandleCallback<R, X> callback) throws X {
    if (groupCommit == null) {
      return jdbi.inTransaction(callback);
    }
    return groupCommit.run(callback);
  }

  /** SQLite write transactions committed by the group commit (0 on PostgreSQL); for tests. */
  long groupCommits() {
    return groupCommit == null ? 0 : groupCommit.commits();
  }

  /** Opens (creating if needed) and migrates the SQLite database at {@code file}. */
  public static Database sqlite(Path file) {
    return sqlite(file, Checkpointer.INTERVAL);
  }

  /** Like {@link #sqlite(Path)}, checkpointing every {@code checkpointInterval}; for tests. */
  static Database sqlite(Path file, Duration checkpointInterval) {
    SQLiteConfig config = new SQLiteConfig();
    config.setJournalMode(SQLiteConfig.JournalMode.WAL);
    // why: FULL syncs the WAL on every commit, so a committed event survives a power cut too;
    // group commit keeps the number of commits (and syncs) small.
    config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
    config.setBusyTimeout(BUSY_TIMEOUT_MILLIS);
    // why: a checkpoint copies the WAL into the database file and syncs it; run inside a commit
    // (SQLite's default, every 1,000 pages) it stalls every writer queued behind that commit for
    // tens of milliseconds. A thread of its own checkpoints instead (see Checkpointer).
    config.setWalAutocheckpoint(0);
    config.enforceForeignKeys(true);
    SQLiteDataSource sqlite = new SQLiteDataSource(config);
    sqlite.setUrl("jdbc:sqlite:" + file.toAbsolutePath());
    HikariConfig pool = new HikariConfig();
    pool.setDataSource(sqlite);
    pool.setMaximumPoolSize(SQLITE_POOL_SIZE);
    pool.setPoolName("capstan-sqlite");
    return migrate(new HikariDataSource(pool), new SqliteDialect(), checkpointInterval);
  }

  /** Opens and migrates the PostgreSQL database at {@code jdbcUrl}. */
  public static Database postgres(String jdbcUrl) {
    HikariConfig pool = new HikariConfig();
    pool.setJdbcUrl(Objects.requireNonNull(jdbcUrl, "jdbcUrl"));
    pool.setMaximumPoolSize(POSTGRES_POOL_SIZE);
    pool.setPoolName("capstan-postgres");
    return migrate(new HikariDataSource(pool), new PostgresDialect(), Checkpointer.INTERVAL);
  }

  private static Database migrate(
      HikariDataSource dataSource, SqlDialect dialect, Duration checkpointInterval) {
    try {
      Flyway.configure()
          .dataSource(dataSource)
          .locations(dialect.migrationLocation())
          .load()
          .migrate();
      return new Database(dataSource, dialect, checkpointInterval);
    } catch (RuntimeException e) {
      dataSource.close();
      throw e;
    }
  }

  /** The JDBI handle factory. */
  public Jdbi jdbi() {
    return jdbi;
  }

  /** The database's dialect. */
  public SqlDialect dialect() {
    return dialect;
  }

  @Override
  public void close() {
    if (groupCommit != null) {
      groupCommit.close();
      checkpointer.close();
    }
    dataSource.close();
  }
}
