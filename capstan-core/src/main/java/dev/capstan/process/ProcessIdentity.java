package dev.capstan.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A process named by its pid <em>and</em> its start time, so that a recycled pid is never mistaken
 * for the process we mean.
 *
 * <p>Immutable and thread-safe.
 *
 * @param pid the operating-system process id
 * @param startedAt when the process started, as the operating system reports it
 */
public record ProcessIdentity(long pid, Instant startedAt) {
  // why: the kernel reports start times in clock ticks; two readings of one process agree, but a
  // different JDK may round differently, so allow a little slack. A recycled pid starts later.
  private static final Duration START_TIME_TOLERANCE = Duration.ofSeconds(1);

  public ProcessIdentity {
    if (pid <= 0) {
      throw new IllegalArgumentException("pid must be > 0, was " + pid);
    }
    Objects.requireNonNull(startedAt, "startedAt");
  }

  /** This JVM. */
  public static ProcessIdentity current() {
    ProcessHandle self = ProcessHandle.current();
    return new ProcessIdentity(
        self.pid(),
        self.info()
            .startInstant()
            .orElseThrow(() -> new IllegalStateException("the OS does not report our start time")));
  }

  /** The live (not zombie) process with this pid, if any. */
  public static Optional<ProcessIdentity> live(long pid) {
    if (pid <= 0 || isZombie(pid)) {
      return Optional.empty();
    }
    return ProcessHandle.of(pid)
        .filter(ProcessHandle::isAlive)
        .flatMap(handle -> handle.info().startInstant())
        .map(start -> new ProcessIdentity(pid, start));
  }

  /** Whether this very process (same pid, same start time) is still alive. */
  public boolean isAlive() {
    return live(pid).map(this::sameProcessAs).orElse(false);
  }

  /** Whether {@code other} is the same process, not a recycled pid. */
  public boolean sameProcessAs(ProcessIdentity other) {
    return pid == other.pid
        && Duration.between(startedAt, other.startedAt).abs().compareTo(START_TIME_TOLERANCE) <= 0;
  }

  /** The handle of this process if it is still this process. */
  public Optional<ProcessHandle> handle() {
    return isAlive() ? ProcessHandle.of(pid) : Optional.empty();
  }

  private static boolean isZombie(long pid) {
    // why: a killed child whose parent never reaps it stays in the process table as a zombie, and
    // ProcessHandle reports it alive. Linux tells the truth in /proc/<pid>/stat (state Z or X).
    Path stat = Path.of("/proc", Long.toString(pid), "stat");
    try {
      String line = Files.readString(stat, StandardCharsets.UTF_8);
      int close = line.lastIndexOf(')');
      if (close < 0 || close + 2 >= line.length()) {
        return false;
      }
      char state = line.charAt(close + 2);
      return state == 'Z' || state == 'X';
    } catch (NoSuchFileException e) {
      // why: no such process (ProcessHandle will agree), or no /proc on this platform.
      return false;
    } catch (IOException e) {
      return false;
    }
  }
}
