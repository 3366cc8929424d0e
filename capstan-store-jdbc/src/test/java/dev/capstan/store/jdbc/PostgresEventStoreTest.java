package dev.capstan.store.jdbc;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * The {@link EventStoreContract} on PostgreSQL, when {@code CAPSTAN_TEST_PG_URL} names a database
 * (for example {@code jdbc:postgresql://127.0.0.1:5432/test?user=postgres}). Each test works in a
 * schema of its own that it drops afterwards, so runs never see each other's events.
 */
@EnabledIfEnvironmentVariable(named = PostgresTestSchema.URL_VARIABLE, matches = ".+")
class PostgresEventStoreTest extends EventStoreContract {
  private final PostgresTestSchema schema = new PostgresTestSchema();

  @Override
  protected Database database() {
    return schema.database();
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
    schema.drop();
  }
}
