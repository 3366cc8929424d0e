package dev.capstan.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointerTest {
  private static final int PAGE = 4096;

  @TempDir Path dir;

  private Database database;
  private Checkpointer checkpointer;

  @BeforeEach
  void open() {
    // why: the database's own checkpointer stays out of the way; the test runs one by hand.
    database = Database.sqlite(dir.resolve("capstan.db"), java.time.Duration.ofDays(1));
    database.jdbi().useHandle(h -> h.execute("CREATE TABLE blob (id INTEGER PRIMARY KEY, b BLOB)"));
    checkpointer =
        Checkpointer.start(database.jdbi(), database::groupCommits, java.time.Duration.ofDays(1));
  }

  @AfterEach
  void close() {
    checkpointer.close();
    database.close();
  }

  private void writePages(int pages) {
    for (int i = 0; i < pages; i++) {
      database.inWriteTransaction(
          h -> h.execute("INSERT INTO blob (b) VALUES (zeroblob(?))", PAGE - 200));
    }
  }

  private long walBytes() throws Exception {
    Path wal = dir.resolve("capstan.db-wal");
    return Files.exists(wal) ? Files.size(wal) : 0;
  }

  @Test
  void commits_do_not_checkpoint_and_a_checkpoint_lets_the_wal_start_over() throws Exception {
    writePages(1200);
    long grown = walBytes();
    assertThat(grown)
        .as("no commit checkpointed (SQLite's default would at 1,000 pages)")
        .isGreaterThan(1200L * PAGE);

    checkpointer.checkpointIfWritten();
    writePages(300);

    assertThat(walBytes()).as("the WAL file is reused from its start").isEqualTo(grown);
    long frames =
        database
            .jdbi()
            .withHandle(
                h ->
                    h.createQuery("PRAGMA wal_checkpoint(PASSIVE)")
                        .map((rs, ctx) -> rs.getLong(2))
                        .one());
    assertThat(frames).as("frames in the WAL after it started over").isLessThan(1200L);
  }
}
