package dev.capstan.daemon.git;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/** Real git repositories in temporary directories, for tests. */
public final class TestRepos {
  /** A git runner with the test JVM's PATH and HOME only. */
  public static final Git GIT =
      Git.withEnvironment(
          Map.of(
              "PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"),
              "HOME", System.getProperty("java.io.tmpdir")));

  private TestRepos() {}

  /** A repository at {@code dir} on branch {@code main} with one commit holding README.md. */
  public static Path create(Path dir) throws IOException {
    Files.createDirectories(dir);
    git(dir, "init", "--quiet", "--initial-branch=main");
    Files.writeString(dir.resolve("README.md"), "hello\n");
    git(dir, "add", "README.md");
    commit(dir, "initial");
    return dir;
  }

  /** Commits everything staged in {@code dir} as a test author. */
  public static void commit(Path dir, String message) {
    git(
        dir,
        "-c",
        "user.name=Test",
        "-c",
        "user.email=test@example.com",
        "commit",
        "--quiet",
        "-m",
        message);
  }

  /** Runs git in {@code dir}, requiring success; returns stdout without the trailing newline. */
  public static String git(Path dir, String... args) {
    return GIT.output(dir, Duration.ofSeconds(30), args);
  }
}
