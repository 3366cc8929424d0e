package dev.capstan.store.jdbc;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/** The {@link IdempotencyContract} on SQLite, a fresh database file per test. */
class SqliteIdempotencyTest extends IdempotencyContract {
  @TempDir Path dir;

  private Database database;

  @Override
  protected Database database() {
    if (database == null) {
      database = Database.sqlite(dir.resolve("capstan.db"));
    }
    return database;
  }

  @AfterEach
  void close_database() {
    if (database != null) {
      database.close();
    }
  }
}
