package dev.capstan.store.jdbc;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * A throwaway PostgreSQL schema for one test, in the database {@code CAPSTAN_TEST_PG_URL} names
 * (for example {@code jdbc:postgresql://127.0.0.1:5432/test?user=postgres}): created and migrated
 * on first use, dropped by {@link #drop()}, so runs never see each other's rows.
 *
 * <p>Confined to the test's thread.
 */
final class PostgresTestSchema {
  /** The environment variable that enables the PostgreSQL contract tests. */
  static final String URL_VARIABLE = "CAPSTAN_TEST_PG_URL";

  private final String schema = "capstan_test_" + UUID.randomUUID().toString().replace('-', '_');
  private Database database;

  /** The migrated database in this schema, created on first call. */
  Database database() {
    if (database == null) {
      execute("CREATE SCHEMA " + schema);
      database = Database.postgres(withSchema(System.getenv(URL_VARIABLE), schema));
    }
    return database;
  }

  /** Closes the database and drops the schema, if it was created. */
  void drop() {
    if (database != null) {
      database.close();
      execute("DROP SCHEMA " + schema + " CASCADE");
      database = null;
    }
  }

  /** {@code url} with {@code currentSchema} set, so that every table lands in {@code schema}. */
  static String withSchema(String url, String schema) {
    return url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema;
  }

  private static void execute(String sql) {
    try (Connection connection = DriverManager.getConnection(System.getenv(URL_VARIABLE));
        Statement statement = connection.createStatement()) {
      statement.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot run '" + sql + "' on " + URL_VARIABLE, e);
    }
  }
}
