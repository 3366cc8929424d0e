package dev.capstan.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Real git repositories for the scenarios, made and inspected with the {@code git} command, as a
 * user's repositories are. Commits carry a fixed test identity, so no global git configuration is
 * needed.
 *
 * <p>Thread-safe (stateless).
 */
final class GitRepos {
  private GitRepos() {}

  /** A new repository at {@code dir} on branch {@code main} with one commit of a README. */
  static Path create(Path dir) {
    try {
      Files.createDirectories(dir);
      git(dir, "init", "-q", "-b", "main");
      Files.writeString(dir.resolve("README.md"), "# " + dir.getFileName() + "\n");
      git(dir, "add", "README.md");
      git(dir, "commit", "-q", "-m", "initial commit");
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Runs {@code git args...} in {@code dir}; fails the scenario when git fails. */
  static String git(Path dir, String... args) {
    List<String> command = new ArrayList<>();
    command.add("git");
    command.add("-c");
    command.add("user.name=Scenario");
    command.add("-c");
    command.add("user.email=scenario@capstan.invalid");
    command.addAll(List.of(args));
    try {
      Process process =
          new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("git %s finished", args).isTrue();
      assertThat(process.exitValue()).as("git %s in %s: %s", List.of(args), dir, output).isZero();
      return output;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The local branches of the repository at {@code dir}. */
  static List<String> branches(Path dir) {
    return git(dir, "for-each-ref", "--format=%(refname:short)", "refs/heads/").lines().toList();
  }

  /** {@code git status --porcelain} of {@code dir}: empty when the checkout is clean. */
  static String status(Path dir) {
    return git(dir, "status", "--porcelain");
  }

  /** The commit {@code ref} points to. */
  static String head(Path dir, String ref) {
    return git(dir, "rev-parse", ref).strip();
  }
}
