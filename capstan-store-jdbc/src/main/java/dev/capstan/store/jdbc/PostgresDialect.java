package dev.capstan.store.jdbc;

/** PostgreSQL: row locks and {@code SKIP LOCKED}. Immutable. */
public record PostgresDialect() implements SqlDialect {
  @Override
  public String name() {
    return "postgres";
  }

  @Override
  public boolean supportsSkipLocked() {
    return true;
  }
}
