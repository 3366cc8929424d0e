package dev.capstan.cli.doctor;

import dev.capstan.cli.ApiJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.sqlite.SQLiteConfig;

/**
 * {@code capstan.db}: opens it read-only and runs {@code PRAGMA quick_check}. A read-only reader is
 * safe beside a running daemon (SQLite's WAL lets readers and the one writer work at once), and
 * doctor never writes to the database.
 *
 * <p>Thread-safe (stateless).
 */
final class DatabaseCheck {
  private static final int BUSY_TIMEOUT_MS = 5_000;
  private static final int MAX_PROBLEMS_SHOWN = 3;

  private DatabaseCheck() {}

  static Check check(Path database) {
    if (!Files.exists(database)) {
      return Check.ok("database", "none yet (the daemon creates " + database + " when it starts)");
    }
    long size = sizeOf(database) + sizeOf(database.resolveSibling(database.getFileName() + "-wal"));
    SQLiteConfig config = new SQLiteConfig();
    config.setReadOnly(true);
    config.setBusyTimeout(BUSY_TIMEOUT_MS);
    List<String> problems = new ArrayList<>();
    try (Connection connection = config.createConnection("jdbc:sqlite:" + database);
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("PRAGMA quick_check")) {
      while (rows.next()) {
        String row = rows.getString(1);
        if (!"ok".equals(row) && problems.size() < MAX_PROBLEMS_SHOWN) {
          problems.add(row);
        }
      }
    } catch (SQLException e) {
      return Check.fail(
          "database",
          "cannot check " + database + ": " + e.getMessage(),
          "capstan daemon stop, then copy " + database + " away and inspect it with sqlite3");
    }
    if (!problems.isEmpty()) {
      return Check.fail(
          "database",
          database + " failed its integrity check: " + String.join("; ", problems),
          "capstan daemon stop, then back up "
              + database
              + " and recover it with sqlite3 .recover");
    }
    return Check.ok("database", database + " passes quick_check (" + ApiJson.bytes(size) + ")");
  }

  private static long sizeOf(Path file) {
    try {
      return Files.exists(file) ? Files.size(file) : 0;
    } catch (java.io.IOException e) {
      return 0;
    }
  }
}
