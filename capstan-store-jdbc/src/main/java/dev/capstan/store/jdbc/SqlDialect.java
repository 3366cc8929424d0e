package dev.capstan.store.jdbc;

/**
 * What differs between the databases Capstan runs on. Nothing else branches on the database.
 *
 * <p>Implementations are immutable.
 */
public sealed interface SqlDialect permits SqliteDialect, PostgresDialect {
  /** Short name, also the migration folder under {@code db/migration/}. */
  String name();

  /** Whether {@code FOR UPDATE SKIP LOCKED} is available for claiming work. */
  boolean supportsSkipLocked();

  /** Flyway location of this dialect's migrations. */
  default String migrationLocation() {
    return "classpath:db/migration/" + name();
  }
}
