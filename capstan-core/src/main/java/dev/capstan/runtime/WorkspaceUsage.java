package dev.capstan.runtime;

import java.nio.file.Path;
import java.util.Objects;

/**
 * One workspace a runtime holds and the disk it uses.
 *
 * <p>Immutable and thread-safe.
 *
 * @param ref which workspace
 * @param path where it lives
 * @param bytes bytes used by its files (a best-effort walk; files that vanish meanwhile count 0)
 */
public record WorkspaceUsage(WorkspaceRef ref, Path path, long bytes) {
  public WorkspaceUsage {
    Objects.requireNonNull(ref, "ref");
    Objects.requireNonNull(path, "path");
    if (bytes < 0) {
      throw new IllegalArgumentException("bytes must be >= 0, was " + bytes);
    }
  }
}
