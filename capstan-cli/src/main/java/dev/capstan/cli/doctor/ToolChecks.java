package dev.capstan.cli.doctor;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The programs and system facilities the daemon needs: {@code git} on the {@code PATH}, {@code
 * setsid} (detaches a started daemon from the terminal), a readable {@code /proc} (pid checks, the
 * lock table, leftover agent processes), and the JDK running Capstan.
 *
 * <p>Thread-safe (stateless).
 */
final class ToolChecks {
  private static final long GIT_TIMEOUT_SECONDS = 10;
  private static final int MINIMUM_JAVA = 21;

  private ToolChecks() {}

  static Check git(Map<String, String> env) {
    Optional<Path> git = onPath("git", env.getOrDefault("PATH", ""));
    if (git.isEmpty()) {
      return Check.fail(
          "git",
          "git is not on the PATH; tasks cannot get worktrees",
          "install git (apt install git)");
    }
    try {
      Process process =
          new ProcessBuilder(git.get().toString(), "--version").redirectErrorStream(true).start();
      process.getOutputStream().close();
      if (!process.waitFor(GIT_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return Check.fail(
            "git", git.get() + " --version did not answer within 10 s", "reinstall git");
      }
      String version =
          new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      if (process.exitValue() != 0) {
        return Check.fail(
            "git", git.get() + " --version exited " + process.exitValue(), "reinstall git");
      }
      return Check.ok("git", version + " (" + git.get() + ")");
    } catch (IOException e) {
      return Check.fail("git", "cannot run " + git.get() + ": " + e.getMessage(), "reinstall git");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Check.warn("git", "interrupted while asking git for its version", "");
    }
  }

  static Check setsid() {
    for (String candidate : List.of("/usr/bin/setsid", "/bin/setsid")) {
      if (Files.isExecutable(Path.of(candidate))) {
        return Check.ok("setsid", candidate);
      }
    }
    return Check.warn(
        "setsid",
        "setsid is missing: a daemon started from a terminal dies with the terminal",
        "install util-linux, or run `capstan daemon run` under a service manager");
  }

  static Check proc() {
    Path self = Path.of("/proc/self/stat");
    Path locks = Path.of("/proc/locks");
    if (Files.isReadable(self) && Files.isReadable(locks)) {
      return Check.ok("proc", "/proc is readable (pid checks, lock table)");
    }
    return Check.warn(
        "proc",
        "/proc is not readable: pid reuse and the daemon.lock holder cannot be checked",
        "run Capstan on Linux with /proc mounted");
  }

  static Check java() {
    Runtime.Version version = Runtime.version();
    String vendor = System.getProperty("java.vendor", "?");
    String home = System.getProperty("java.home", "?");
    String finding = "Java " + version + " (" + vendor + ", " + home + ")";
    if (version.feature() < MINIMUM_JAVA) {
      return Check.fail("java", finding + "; Capstan needs 21 or newer", "install JDK 21 or newer");
    }
    return Check.ok("java", finding);
  }

  private static Optional<Path> onPath(String program, String path) {
    for (String dir : path.split(java.io.File.pathSeparator)) {
      if (dir.isBlank()) {
        continue;
      }
      Path candidate = Path.of(dir, program);
      if (Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }
}
