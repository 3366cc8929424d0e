package dev.capstan.store.jdbc;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * The {@link SessionStoreContract} on PostgreSQL, when {@code CAPSTAN_TEST_PG_URL} names a
 * database. Each test works in a schema of its own that it drops afterwards.
 */
@EnabledIfEnvironmentVariable(named = PostgresTestSchema.URL_VARIABLE, matches = ".+")
class PostgresSessionStoreTest extends SessionStoreContract {
  private final PostgresTestSchema schema = new PostgresTestSchema();

  @Override
  protected Database database() {
    return schema.database();
  }

  @AfterEach
  void drop_schema() {
    schema.drop();
  }
}
