package dev.capstan.store.jdbc;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * The {@link IdempotencyContract} on PostgreSQL, when {@code CAPSTAN_TEST_PG_URL} names a database.
 * Each test works in a schema of its own that it drops afterwards.
 */
@EnabledIfEnvironmentVariable(named = PostgresEventStoreTest.URL_VARIABLE, matches = ".+")
class PostgresIdempotencyTest extends IdempotencyContract {
  private final String schema = "capstan_test_" + UUID.randomUUID().toString().replace('-', '_');
  private Database database;

  @Override
  protected Database database() {
    if (database == null) {
      execute("CREATE SCHEMA " + schema);
      database =
          Database.postgres(
              PostgresEventStoreTest.withSchema(
                  System.getenv(PostgresEventStoreTest.URL_VARIABLE), schema));
    }
    return database;
  }

  @AfterEach
  void drop_schema() {
    if (database != null) {
      database.close();
      execute("DROP SCHEMA " + schema + " CASCADE");
    }
  }

  private static void execute(String sql) {
    try (Connection connection =
            DriverManager.getConnection(System.getenv(PostgresEventStoreTest.URL_VARIABLE));
        Statement statement = connection.createStatement()) {
      statement.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot run '" + sql + "'", e);
    }
  }
}
