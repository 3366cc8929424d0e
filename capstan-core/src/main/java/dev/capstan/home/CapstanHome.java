package dev.capstan.home;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * The data directory of one Capstan installation ({@code $CAPSTAN_HOME}, default {@code
 * ~/.capstan}) and the names of the files in it.
 *
 * <p>Immutable and thread-safe.
 *
 * @param root the absolute path of the home directory
 */
public record CapstanHome(Path root) {
  /** Environment variable that overrides the home directory. */
  public static final String ENV = "CAPSTAN_HOME";

  public CapstanHome {
    Objects.requireNonNull(root, "root");
    root = root.toAbsolutePath().normalize();
  }

  /** Resolves the home from {@code CAPSTAN_HOME}, else {@code ~/.capstan}. */
  public static CapstanHome resolve(Map<String, String> env, String userHome) {
    String configured = env.get(ENV);
    if (configured != null && !configured.isBlank()) {
      return new CapstanHome(Path.of(configured));
    }
    return new CapstanHome(Path.of(userHome, ".capstan"));
  }

  /** Creates the home and its log directory with owner-only permissions, if missing. */
  public CapstanHome ensureExists() {
    try {
      AtomicFiles.ensureOwnerOnlyDirectory(root);
      AtomicFiles.ensureOwnerOnlyDirectory(logDir());
      return this;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the Capstan home " + root, e);
    }
  }

  /** OS file lock held by the daemon for its whole life. */
  public Path lockFile() {
    return root.resolve("daemon.lock");
  }

  /** Serialises concurrent CLI cold starts. */
  public Path startupLockFile() {
    return root.resolve("startup.lock");
  }

  /** The manifest of the running daemon. */
  public Path manifestFile() {
    return root.resolve("daemon.json");
  }

  /** The local bearer token. */
  public Path authFile() {
    return root.resolve("auth.json");
  }

  /** The optional configuration file. */
  public Path configFile() {
    return root.resolve("config.toml");
  }

  /** The SQLite database. */
  public Path databaseFile() {
    return root.resolve("capstan.db");
  }

  /** Directory of the structured log and the captured console output. */
  public Path logDir() {
    return root.resolve("logs");
  }

  /** The structured JSON log. */
  public Path logFile() {
    return logDir().resolve("daemon.log");
  }

  /** Whatever a detached daemon prints to stdout/stderr, including before logging starts. */
  public Path consoleFile() {
    return logDir().resolve("daemon.out");
  }

  /** Caches that {@code daemon reset} may delete. */
  public Path cacheDir() {
    return root.resolve("cache");
  }

  /** Task workspaces. */
  public Path worktreesDir() {
    return root.resolve("worktrees");
  }

  /** Clones of remote repos. */
  public Path reposDir() {
    return root.resolve("repos");
  }
}
