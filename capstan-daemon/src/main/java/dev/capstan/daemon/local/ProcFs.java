package dev.capstan.daemon.local;

import dev.capstan.runtime.RunMarker;
import dev.capstan.runtime.TurnMarker;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What Linux's {@code /proc} tells about processes: their process group, the run marker in their
 * environment, their memory cgroup's OOM-kill counter. Every read is best effort: a process that
 * exits while being read, or a file we may not read, counts as absent.
 *
 * <p>Thread-safe (stateless apart from the root path).
 */
final class ProcFs {
  private static final String MARKER_PREFIX = RunMarker.ENV + "=";

  private final Path proc;
  private final Path cgroupRoot;

  ProcFs(Path proc, Path cgroupRoot) {
    this.proc = proc;
    this.cgroupRoot = cgroupRoot;
  }

  static ProcFs system() {
    return new ProcFs(Path.of("/proc"), Path.of("/sys/fs/cgroup"));
  }

  /** A live process carrying a marker. */
  record Marked(long pid, RunMarker marker, String command) {}

  /** The process group of {@code pid}, if it is alive and readable (zombies have none). */
  OptionalLong processGroup(long pid) {
    Stat stat = stat(pid);
    return stat == null || !stat.alive() ? OptionalLong.empty() : OptionalLong.of(stat.group());
  }

  /** The live processes of process group {@code pgid}. */
  List<Long> groupMembers(long pgid) {
    List<Long> members = new ArrayList<>();
    for (long pid : pids()) {
      OptionalLong group = processGroup(pid);
      if (group.isPresent() && group.getAsLong() == pgid) {
        members.add(pid);
      }
    }
    return members;
  }

  /**
   * What a run left behind, in one pass over {@code /proc}: the live members of process group
   * {@code pgid}, and the live processes outside it that carry {@code marker}. A marker is
   * inherited from the run, so a process that started before {@code notBeforeTicks} (its start time
   * in clock ticks since boot, see {@link #uptimeTicks}) cannot carry it, and its environment is
   * not read.
   */
  Leftovers leftovers(long pgid, RunMarker marker, long notBeforeTicks) {
    List<Long> members = new ArrayList<>();
    List<Long> marked = new ArrayList<>();
    for (long pid : pids()) {
      Stat stat = stat(pid);
      if (stat == null || !stat.alive()) {
        continue;
      }
      if (stat.group() == pgid) {
        members.add(pid);
      } else if (stat.startTicks() >= notBeforeTicks
          && marker(pid).filter(marker::equals).isPresent()) {
        marked.add(pid);
      }
    }
    return new Leftovers(List.copyOf(members), List.copyOf(marked));
  }

  /**
   * The fields of a process's {@code stat} line that Capstan uses.
   *
   * @param state the state letter ({@code Z} for a zombie, {@code X} for dead)
   * @param group the process group
   * @param startTicks the start time in clock ticks since boot
   */
  record Stat(char state, long group, long startTicks) {
    boolean alive() {
      return state != 'Z' && state != 'X';
    }

    /**
     * Parses a {@code stat} line: after the command in parentheses (which may hold anything, so the
     * last ')' ends it) come the state, the parent, the group and, as the 20th field after the
     * command, the start time. Null when the line is cut short or malformed.
     */
    static Stat parse(byte[] line) {
      int close = -1;
      for (int i = line.length - 1; i >= 0; i--) {
        if (line[i] == ')') {
          close = i;
          break;
        }
      }
      if (close < 0 || close + 3 >= line.length) {
        return null;
      }
      char state = (char) line[close + 2];
      long group = -1;
      long start = -1;
      int field = 0;
      int i = close + 2;
      while (i < line.length && field <= 19) {
        int end = i;
        while (end < line.length && line[end] != ' ' && line[end] != '\n') {
          end++;
        }
        if (field == 2) {
          group = digits(line, i, end);
        } else if (field == 19) {
          start = digits(line, i, end);
        }
        field++;
        i = end + 1;
      }
      return group < 0 || start < 0 ? null : new Stat(state, group, start);
    }

    private static long digits(byte[] line, int from, int to) {
      if (from >= to || to - from > 18) {
        return -1;
      }
      long value = 0;
      for (int i = from; i < to; i++) {
        int digit = line[i] - '0';
        if (digit < 0 || digit > 9) {
          return -1;
        }
        value = value * 10 + digit;
      }
      return value;
    }
  }

  private Stat stat(long pid) {
    try {
      return Stat.parse(Files.readAllBytes(proc.resolve(Long.toString(pid)).resolve("stat")));
    } catch (IOException | SecurityException e) {
      return null;
    }
  }

  /**
   * What a run left behind.
   *
   * @param groupMembers live processes still in the run's process group
   * @param marked live processes outside the group that carry the run's marker
   */
  record Leftovers(List<Long> groupMembers, List<Long> marked) {}

  /**
   * Time since boot in clock ticks (as process start times in {@code stat} count it), one second
   * early; 0 when unreadable. Linux counts start times in USER_HZ, which is 100 on every platform
   * it reports to user space; a platform with more ticks per second would only make the value too
   * small, which reads more environments but misses nothing.
   */
  long uptimeTicks() {
    try {
      String uptime = Files.readString(proc.resolve("uptime")).strip();
      int space = uptime.indexOf(' ');
      double seconds = Double.parseDouble(space < 0 ? uptime : uptime.substring(0, space));
      return Math.max(0, (long) ((seconds - 1) * 100));
    } catch (IOException | SecurityException | NumberFormatException e) {
      return 0;
    }
  }

  /** Every live process whose environment carries a parseable run marker. */
  List<Marked> markedProcesses() {
    List<Marked> marked = new ArrayList<>();
    for (long pid : pids()) {
      marker(pid)
          .filter(m -> processGroup(pid).isPresent())
          .ifPresent(m -> marked.add(new Marked(pid, m, command(pid))));
    }
    return marked;
  }

  /** The run marker in the environment of {@code pid}, if any. */
  Optional<RunMarker> marker(long pid) {
    return markerValue(pid).flatMap(RunMarker::parse);
  }

  /** The turn marker in the environment of {@code pid}, if any. */
  Optional<TurnMarker> turnMarker(long pid) {
    return markerValue(pid).flatMap(TurnMarker::parse);
  }

  /** Every live process whose environment carries a turn marker of {@code homeHash}, by pid. */
  Map<Long, TurnMarker> turnMarkedProcesses(String homeHash) {
    Map<Long, TurnMarker> marked = new LinkedHashMap<>();
    for (long pid : pids()) {
      turnMarker(pid)
          .filter(m -> m.homeHash().equals(homeHash) && processGroup(pid).isPresent())
          .ifPresent(m -> marked.put(pid, m));
    }
    return marked;
  }

  /** The home hash of the run or turn marker in the environment of {@code pid}, if any. */
  Optional<String> markerHome(long pid) {
    Optional<String> value = markerValue(pid);
    return value
        .flatMap(RunMarker::parse)
        .map(RunMarker::homeHash)
        .or(() -> value.flatMap(TurnMarker::parse).map(TurnMarker::homeHash));
  }

  /** The value of {@link RunMarker#ENV} in the environment of {@code pid}, if any. */
  private Optional<String> markerValue(long pid) {
    byte[] environ;
    try {
      environ = Files.readAllBytes(proc.resolve(Long.toString(pid)).resolve("environ"));
    } catch (IOException | SecurityException e) {
      return Optional.empty();
    }
    int start = 0;
    for (int i = 0; i <= environ.length; i++) {
      if (i == environ.length || environ[i] == 0) {
        if (i - start > MARKER_PREFIX.length()) {
          String entry = new String(environ, start, i - start, StandardCharsets.UTF_8);
          if (entry.startsWith(MARKER_PREFIX)) {
            return Optional.of(entry.substring(MARKER_PREFIX.length()));
          }
        }
        start = i + 1;
      }
    }
    return Optional.empty();
  }

  /**
   * The {@code oom_kill} counter of the memory cgroup that {@code pid} runs in, or -1 when it
   * cannot be read (no cgroup v2, no memory controller, no permission).
   */
  long oomKills(long pid) {
    return cgroupDir(pid).map(this::oomKillsIn).orElse(-1L);
  }

  /** The cgroup v2 directory of {@code pid}, if readable. */
  Optional<Path> cgroupDir(long pid) {
    try {
      for (String line : Files.readAllLines(proc.resolve(Long.toString(pid)).resolve("cgroup"))) {
        if (line.startsWith("0::")) {
          String relative = line.substring(3);
          while (relative.startsWith("/")) {
            relative = relative.substring(1);
          }
          return Optional.of(cgroupRoot.resolve(relative));
        }
      }
    } catch (IOException | SecurityException e) {
      return Optional.empty();
    }
    return Optional.empty();
  }

  /** The {@code oom_kill} count in {@code dir/memory.events}, or -1 when unreadable. */
  long oomKillsIn(Path dir) {
    try {
      for (String line : Files.readAllLines(dir.resolve("memory.events"))) {
        if (line.startsWith("oom_kill ")) {
          return Long.parseLong(line.substring("oom_kill ".length()).strip());
        }
      }
    } catch (IOException | SecurityException | NumberFormatException e) {
      return -1;
    }
    return -1;
  }

  private String command(long pid) {
    try {
      byte[] cmdline = Files.readAllBytes(proc.resolve(Long.toString(pid)).resolve("cmdline"));
      String text = new String(cmdline, StandardCharsets.UTF_8).replace('\0', ' ').strip();
      return text.length() > 200 ? text.substring(0, 200) : text;
    } catch (IOException | SecurityException e) {
      return "";
    }
  }

  private List<Long> pids() {
    List<Long> pids = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(proc)) {
      for (Path entry : entries) {
        String name = entry.getFileName().toString();
        if (!name.isEmpty() && name.chars().allMatch(Character::isDigit)) {
          pids.add(Long.parseLong(name));
        }
      }
    } catch (IOException | SecurityException e) {
      return List.of();
    }
    return pids;
  }
}
