package dev.capstan.store.jdbc;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * The {@link EventStoreContract} on PostgreSQL, when {@code CAPSTAN_TEST_PG_URL} names a database
 * (for example {@code jdbc:postgresql://127.0.0.1:5432/test?user=postgres}). Each test works in a
 * schema of its own that it drops afterwards, so runs never see each other's events.
 */
@EnabledIfEnvironmentVariable(named = PostgresEventStoreTest.URL_VARIABLE, matches = ".+")
class PostgresEventStoreTest extends EventStoreContract {
  static final String URL_VARIABLE = "CAPSTAN_TEST_PG_URL";

  private final String schema = "capstan_test_" + UUID.randomUUID().toString().replace('-', '_');
  private Database database;

  @Override
  protected Database database() {
    if (database == null) {
      execute("CREATE SCHEMA " + schema);
      database = Database.postgres(withSchema(System.getenv(URL_VARIABLE), schema));
    }
    return database;
  }

  @Override
  protected void refuseInsertsOfPoison() {
    database()
        .jdbi()
        .useHandle(
            handle -> {
              handle.execute(
                  "CREATE FUNCTION refuse_poison() RETURNS trigger AS $$ BEGIN "
                      + "IF NEW.data = '"
                      + POISON
                      + "' THEN RAISE EXCEPTION 'poison refused by the test'; END IF; "
                      + "RETURN NEW; END $$ LANGUAGE plpgsql");
              handle.execute(
                  "CREATE TRIGGER refuse_poison BEFORE INSERT ON events "
                      + "FOR EACH ROW EXECUTE FUNCTION refuse_poison()");
            });
  }

  @AfterEach
  void drop_schema() {
    if (database != null) {
      database.close();
      execute("DROP SCHEMA " + schema + " CASCADE");
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
