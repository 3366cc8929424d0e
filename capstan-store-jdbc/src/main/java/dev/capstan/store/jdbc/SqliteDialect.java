package dev.capstan.store.jdbc;

/** SQLite: one writer at a time, no row locks. Immutable. */
public record SqliteDialect() implements SqlDialect {
  @Override
  public String name() {
    return "sqlite";
  }

  @Override
  public boolean supportsSkipLocked() {
    return false;
  }
}
