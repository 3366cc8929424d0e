package dev.capstan.store.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
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
  // why: SQLite has one writer at a time, and a writer that finds the database locked sleeps in
  // its busy handler in steps of up to 100 ms; queueing the hot writers here hands the lock over
  // at once instead. Null for PostgreSQL, whose row locks need no such help.
  private final ReentrantLock writeLock;

  private Database(HikariDataSource dataSource, SqlDialect dialect) {
    this.dataSource = dataSource;
    this.dialect = dialect;
    this.jdbi = Jdbi.create(dataSource);
    this.writeLock = dialect instanceof SqliteDialect ? new ReentrantLock(true) : null;
  }

  /**
   * Runs {@code callback} in a transaction that writes; on SQLite, one such transaction at a time
   * (in arrival order), so writers never wait in SQLite's busy handler for each other.
   */
  public <R, X extends Exception> R inWriteTransaction(HandleCallback<R, X> callback) throws X {
    if (writeLock == null) {
      return jdbi.inTransaction(callback);
    }
    writeLock.lock();
    try {
      return jdbi.inTransaction(callback);
    } finally {
      writeLock.unlock();
    }
  }

  /** Opens (creating if needed) and migrates the SQLite database at {@code file}. */
  public static Database sqlite(Path file) {
    SQLiteConfig config = new SQLiteConfig();
    config.setJournalMode(SQLiteConfig.JournalMode.WAL);
    // why: FULL syncs the WAL on every commit, so a committed event survives a power cut too;
    // group commit keeps the number of commits (and syncs) small.
    config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
    config.setBusyTimeout(BUSY_TIMEOUT_MILLIS);
    config.enforceForeignKeys(true);
    SQLiteDataSource sqlite = new SQLiteDataSource(config);
    sqlite.setUrl("jdbc:sqlite:" + file.toAbsolutePath());
    HikariConfig pool = new HikariConfig();
    pool.setDataSource(sqlite);
    pool.setMaximumPoolSize(SQLITE_POOL_SIZE);
    pool.setPoolName("capstan-sqlite");
    return migrate(new HikariDataSource(pool), new SqliteDialect());
  }

  /** Opens and migrates the PostgreSQL database at {@code jdbcUrl}. */
  public static Database postgres(String jdbcUrl) {
    HikariConfig pool = new HikariConfig();
    pool.setJdbcUrl(Objects.requireNonNull(jdbcUrl, "jdbcUrl"));
    pool.setMaximumPoolSize(POSTGRES_POOL_SIZE);
    pool.setPoolName("capstan-postgres");
    return migrate(new HikariDataSource(pool), new PostgresDialect());
  }

  private static Database migrate(HikariDataSource dataSource, SqlDialect dialect) {
    try {
      Flyway.configure()
          .dataSource(dataSource)
          .locations(dialect.migrationLocation())
          .load()
          .migrate();
      return new Database(dataSource, dialect);
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
    dataSource.close();
  }
}
