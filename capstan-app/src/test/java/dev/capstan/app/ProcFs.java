package dev.capstan.app;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the Linux kernel says about processes and file locks, read from {@code /proc}. The scenarios
 * use it as their own oracle, independent of the code under test.
 *
 * <p>Thread-safe (stateless).
 */
final class ProcFs {
  private static final Path PROC = Path.of("/proc");

  private ProcFs() {}

  /** The pids holding a lock on {@code file}, as {@code /proc/locks} lists them. */
  static List<Long> lockHolders(Path file) {
    long inode;
    try {
      inode = ((Number) Files.getAttribute(file, "unix:ino")).longValue();
    } catch (NoSuchFileException e) {
      return List.of();
    } catch (IOException e) {
      throw new IllegalStateException("cannot stat " + file, e);
    }
    List<Long> holders = new ArrayList<>();
    for (String line : readLines(PROC.resolve("locks"))) {
      // "1: POSIX  ADVISORY  WRITE 1234 fe:00:56789 0 EOF"; blocked waiters carry "->".
      if (line.contains("->")) {
        continue;
      }
      String[] fields = line.trim().split("\\s+");
      if (fields.length >= 6 && fields[5].endsWith(":" + inode)) {
        holders.add(Long.parseLong(fields[4]));
      }
    }
    return holders;
  }

  /** Whether {@code pid} is a process that runs or could run (not gone, not a zombie). */
  static boolean isLive(long pid) {
    return state(pid).map(state -> state != 'Z' && state != 'X').orElse(false);
  }

  /** Whether {@code pid} is stopped by a signal ({@code SIGSTOP}). */
  static boolean isStopped(long pid) {
    return state(pid).map(state -> state == 'T').orElse(false);
  }

  /** The command line of {@code pid}, empty when it is gone or a zombie. */
  static List<String> commandLine(long pid) {
    try {
      byte[] bytes = Files.readAllBytes(PROC.resolve(Long.toString(pid)).resolve("cmdline"));
      if (bytes.length == 0) {
        return List.of();
      }
      return Arrays.asList(new String(bytes, StandardCharsets.UTF_8).split("\0"));
    } catch (IOException e) {
      return List.of();
    }
  }

  /** The environment {@code pid} started with, empty when it cannot be read. */
  static Map<String, String> environment(long pid) {
    Map<String, String> env = new HashMap<>();
    try {
      byte[] bytes = Files.readAllBytes(PROC.resolve(Long.toString(pid)).resolve("environ"));
      for (String entry : new String(bytes, StandardCharsets.UTF_8).split("\0")) {
        int equals = entry.indexOf('=');
        if (equals > 0) {
          env.put(entry.substring(0, equals), entry.substring(equals + 1));
        }
      }
    } catch (IOException e) {
      return Map.of();
    }
    return env;
  }

  /**
   * Whether {@code pid} is a live Capstan JVM ({@code java ... capstan} {@code daemon run}) working
   * on {@code home}.
   */
  static boolean isCapstanDaemonOf(long pid, Path home) {
    List<String> command = commandLine(pid);
    boolean capstanJvm =
        !command.isEmpty()
            && command.get(0).endsWith("java")
            && command.stream()
                .anyMatch(arg -> arg.endsWith("capstan.jar") || arg.equals("dev.capstan.app.Main"));
    boolean daemonRun = command.indexOf("run") > command.indexOf("daemon");
    return capstanJvm
        && daemonRun
        && command.contains("daemon")
        && home.toString().equals(environment(pid).get("CAPSTAN_HOME"))
        && isLive(pid);
  }

  /** Every live Capstan daemon process of {@code home}. */
  static List<Long> capstanDaemonsOf(Path home) {
    List<Long> pids = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(PROC, "[0-9]*")) {
      for (Path entry : entries) {
        long pid = Long.parseLong(entry.getFileName().toString());
        if (isCapstanDaemonOf(pid, home)) {
          pids.add(pid);
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot list " + PROC, e);
    }
    return pids;
  }

  /**
   * Every live process carrying the run marker ({@code CAPSTAN_RUN_MARKER=<hash>/<task>/<attempt>})
   * of {@code home}: agents, setup commands and everything they started. The hash is the first 16
   * hex digits of the SHA-256 of the home's absolute path.
   */
  static List<Long> markedProcessesOf(Path home) {
    return markedProcessesOf(home, task -> true);
  }

  /** Like {@link #markedProcessesOf(Path)}, for the tasks {@code wanted} accepts. */
  static List<Long> markedProcessesOf(Path home, java.util.function.LongPredicate wanted) {
    String prefix = homeHash(home) + "/";
    return processesWithMarker(
        marker -> {
          String[] parts = marker.split("/");
          return marker.startsWith(prefix)
              && parts.length == 3
              && parts[1].matches("[0-9]+")
              && wanted.test(Long.parseLong(parts[1]));
        });
  }

  /**
   * Every live process carrying a turn marker ({@code CAPSTAN_RUN_MARKER=<hash>/turn/<turn id>}) of
   * {@code home}: what session turns' tools started.
   */
  static List<Long> turnProcessesOf(Path home, String turnId) {
    String wanted = homeHash(home) + "/turn/" + turnId;
    return processesWithMarker(wanted::equals);
  }

  /** Every live process whose {@code CAPSTAN_RUN_MARKER} value {@code wanted} accepts. */
  private static List<Long> processesWithMarker(java.util.function.Predicate<String> wanted) {
    List<Long> pids = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(PROC, "[0-9]*")) {
      for (Path entry : entries) {
        long pid = Long.parseLong(entry.getFileName().toString());
        String marker = environment(pid).getOrDefault("CAPSTAN_RUN_MARKER", "");
        if (!marker.isEmpty() && wanted.test(marker) && isLive(pid)) {
          pids.add(pid);
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot list " + PROC, e);
    }
    return pids;
  }

  /** The command name ({@code comm}) of {@code pid}, empty when it is gone. */
  static String comm(long pid) {
    try {
      return Files.readString(PROC.resolve(Long.toString(pid)).resolve("comm")).strip();
    } catch (IOException e) {
      return "";
    }
  }

  private static String homeHash(Path home) {
    try {
      byte[] digest =
          java.security.MessageDigest.getInstance("SHA-256")
              .digest(
                  home.toAbsolutePath().normalize().toString().getBytes(StandardCharsets.UTF_8));
      return java.util.HexFormat.of().formatHex(digest, 0, 8);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Optional<Character> state(long pid) {
    try {
      String stat = Files.readString(PROC.resolve(Long.toString(pid)).resolve("stat"));
      int close = stat.lastIndexOf(')');
      return close > 0 && close + 2 < stat.length()
          ? Optional.of(stat.charAt(close + 2))
          : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private static List<String> readLines(Path file) {
    try {
      return Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + file, e);
    }
  }
}
