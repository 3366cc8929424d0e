package dev.capstan.store.jdbc;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/** The {@link EventStoreContract} on SQLite, a fresh database file per test. */
class SqliteEventStoreTest extends EventStoreContract {
  @TempDir Path dir;

  private Database database;

  @Override
  protected Database database() {
    if (database == null) {
      database = Database.sqlite(dir.resolve("capstan.db"));
    }
    return database;
  }

  @Override
  protected void refuseInsertsOfPoison() {
    database()
        .jdbi()
        .useHandle(
            handle ->
                handle.execute(
                    "CREATE TRIGGER refuse_poison BEFORE INSERT ON events "
                        + "WHEN NEW.data = '"
                        + POISON
                        + "' BEGIN SELECT RAISE(ABORT, 'poison refused by the test'); END"));
  }

  @AfterEach
  void close_database() {
    if (database != null) {
      database.close();
    }
  }
}
