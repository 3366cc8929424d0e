package dev.capstan.task;

/**
 * What an attempt's commit changed.
 *
 * <p>Immutable and thread-safe.
 *
 * @param files files changed
 * @param insertions lines added
 * @param deletions lines removed
 */
public record Diffstat(int files, int insertions, int deletions) {
  public Diffstat {
    if (files < 0 || insertions < 0 || deletions < 0) {
      throw new IllegalArgumentException(
          "a diffstat counts from 0, was " + files + "/" + insertions + "/" + deletions);
    }
  }
}
