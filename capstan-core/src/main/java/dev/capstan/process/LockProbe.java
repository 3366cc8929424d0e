package dev.capstan.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Tells who holds the OS lock on a file without touching the lock, so that probing can never make a
 * starting daemon believe its home is taken. Reads {@code /proc/locks} on Linux.
 *
 * <p>Thread-safe (stateless).
 */
public final class LockProbe {
  private static final Path PROC_LOCKS = Path.of("/proc/locks");

  private LockProbe() {}

  /** What is known about a file lock. */
  public sealed interface LockState {
    /** A process holds the lock. */
    record Held(long pid) implements LockState {}

    /** No process holds the lock (or the file does not exist). */
    record Free() implements LockState {}

    /** This platform cannot tell. */
    record Unknown() implements LockState {}
  }

  /** Who holds a POSIX lock on {@code file}. */
  public static LockState holderOf(Path file) {
    long inode;
    long device;
    try {
      inode = ((Number) Files.getAttribute(file, "unix:ino")).longValue();
      device = ((Number) Files.getAttribute(file, "unix:dev")).longValue();
    } catch (NoSuchFileException e) {
      return new LockState.Free();
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      return new LockState.Unknown();
    }
    List<String> lines;
    try {
      lines = Files.readAllLines(PROC_LOCKS, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return new LockState.Unknown();
    }
    for (String line : lines) {
      // Format: "1: POSIX  ADVISORY  WRITE 1234 fd:01:56789 0 EOF"; waiters carry "->".
      if (line.contains("->")) {
        continue;
      }
      // why: no regex split; compiling patterns in a fresh JVM costs a CLI command milliseconds
      List<String> fields = fields(line, 6);
      if (fields.size() < 6) {
        continue;
      }
      String[] location = fields.get(5).split(":");
      // why: inode numbers repeat across file systems, so the device (hex major:minor) must match.
      if (location.length == 3
          && location[2].equals(Long.toString(inode))
          && hex(location[0]) == major(device)
          && hex(location[1]) == minor(device)) {
        try {
          return new LockState.Held(Long.parseLong(fields.get(4)));
        } catch (NumberFormatException e) {
          return new LockState.Unknown();
        }
      }
    }
    return new LockState.Free();
  }

  /** The first {@code limit} whitespace-separated fields of {@code line}. */
  private static List<String> fields(String line, int limit) {
    List<String> fields = new ArrayList<>(limit);
    int at = 0;
    while (fields.size() < limit) {
      while (at < line.length() && Character.isWhitespace(line.charAt(at))) {
        at++;
      }
      if (at == line.length()) {
        break;
      }
      int start = at;
      while (at < line.length() && !Character.isWhitespace(line.charAt(at))) {
        at++;
      }
      fields.add(line.substring(start, at));
    }
    return fields;
  }

  private static long hex(String text) {
    try {
      return Long.parseLong(text, 16);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  // The glibc encoding of dev_t, as stat(2) reports it.
  private static long major(long device) {
    return ((device >>> 8) & 0xfffL) | ((device >>> 32) & ~0xfffL);
  }

  private static long minor(long device) {
    return (device & 0xffL) | ((device >>> 12) & ~0xffL);
  }
}
