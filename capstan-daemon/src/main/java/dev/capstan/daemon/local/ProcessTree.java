package dev.capstan.daemon.local;

import dev.capstan.runtime.RunMarker;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kills everything an agent run started: its process group (the agent runs as the leader of its own
 * session and group), every descendant still attached to its main process, and every process
 * carrying its run marker (which catches grandchildren that left the group). SIGTERM first, SIGKILL
 * after the grace.
 *
 * <p>Thread-safe (stateless apart from its collaborators).
 */
final class ProcessTree {
  private static final Logger log = LoggerFactory.getLogger(ProcessTree.class);
  private static final Duration KILL_COMMAND_TIMEOUT = Duration.ofSeconds(2);
  private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(25);

  private static final OptionalLong OWN_GROUP =
      ProcFs.system().processGroup(ProcessHandle.current().pid());

  private final ProcFs procFs;

  ProcessTree(ProcFs procFs) {
    this.procFs = procFs;
  }

  /**
   * Terminates the tree of the run whose main process (and group leader) is {@code leader}: SIGTERM
   * to all, then SIGKILL to whatever is left after {@code grace}. Returns once nothing of it is
   * alive or the SIGKILL was sent.
   */
  void kill(ProcessHandle leader, Optional<RunMarker> marker, Duration grace) {
    List<ProcessHandle> known = new ArrayList<>(leader.descendants().toList());
    known.add(leader);
    signalAll(leader.pid(), known, marker, "TERM");
    long deadline = System.nanoTime() + grace.toNanos();
    while (System.nanoTime() - deadline < 0) {
      if (nothingAlive(leader.pid(), known, marker)) {
        return;
      }
      LockSupport.parkNanos(POLL_NANOS);
    }
    known.addAll(leader.descendants().toList());
    signalAll(leader.pid(), known, marker, "KILL");
  }

  /**
   * SIGKILLs whatever is left of a run whose leader has exited: the rest of its group and anything
   * carrying its marker, found in one pass over {@code /proc}. {@code notBeforeTicks} is a time
   * (see {@link ProcFs#uptimeTicks}) no later than the run's start.
   */
  void killLeftovers(long pgid, RunMarker marker, long notBeforeTicks) {
    ProcFs.Leftovers left = procFs.leftovers(pgid, marker, notBeforeTicks);
    if (!left.groupMembers().isEmpty()) {
      signalGroup(pgid, "KILL");
    }
    for (long pid : left.marked()) {
      ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    }
  }

  /**
   * SIGTERMs and then SIGKILLs each orphan, and its process group when every live member of that
   * group carries a marker of {@code homeHash} (so a group shared with anything else, such as the
   * daemon's own, is never signalled as a whole).
   */
  void killOrphans(List<Long> pids, String homeHash, Duration grace) {
    List<ProcessHandle> handles = new ArrayList<>();
    List<Long> groups = new ArrayList<>();
    OptionalLong ownGroup = procFs.processGroup(ProcessHandle.current().pid());
    for (long pid : pids) {
      ProcessHandle.of(pid).ifPresent(handles::add);
      OptionalLong group = procFs.processGroup(pid);
      if (group.isPresent()
          && group.getAsLong() > 1
          && !group.equals(ownGroup)
          && !groups.contains(group.getAsLong())
          && onlyMarkedMembers(group.getAsLong(), homeHash)) {
        groups.add(group.getAsLong());
      }
    }
    groups.forEach(g -> signalGroup(g, "TERM"));
    handles.forEach(ProcessHandle::destroy);
    long deadline = System.nanoTime() + grace.toNanos();
    while (System.nanoTime() - deadline < 0 && handles.stream().anyMatch(ProcessHandle::isAlive)) {
      LockSupport.parkNanos(POLL_NANOS);
    }
    groups.forEach(g -> signalGroup(g, "KILL"));
    handles.forEach(ProcessHandle::destroyForcibly);
  }

  private boolean onlyMarkedMembers(long pgid, String homeHash) {
    List<Long> members = procFs.groupMembers(pgid);
    return !members.isEmpty()
        && members.stream()
            .allMatch(pid -> procFs.markerHome(pid).filter(homeHash::equals).isPresent());
  }

  private void signalAll(
      long pgid, List<ProcessHandle> known, Optional<RunMarker> marker, String signal) {
    signalGroup(pgid, signal);
    List<ProcessHandle> targets = new ArrayList<>(known);
    marker.ifPresent(m -> targets.addAll(markedWith(m)));
    for (ProcessHandle handle : targets) {
      if (signal.equals("KILL")) {
        handle.destroyForcibly();
      } else {
        handle.destroy();
      }
    }
  }

  private boolean nothingAlive(long pgid, List<ProcessHandle> known, Optional<RunMarker> marker) {
    if (known.stream().anyMatch(h -> h.isAlive() && procFs.processGroup(h.pid()).isPresent())) {
      return false;
    }
    if (!procFs.groupMembers(pgid).isEmpty()) {
      return false;
    }
    return marker.map(m -> markedWith(m).isEmpty()).orElse(true);
  }

  private List<ProcessHandle> markedWith(RunMarker marker) {
    return procFs.markedProcesses().stream()
        .filter(p -> p.marker().equals(marker))
        .flatMap(p -> ProcessHandle.of(p.pid()).stream())
        .toList();
  }

  /**
   * Sends {@code signal} to process group {@code pgid} with the system {@code kill}; a group that
   * no longer exists is fine.
   */
  static void signalGroup(long pgid, String signal) {
    if (pgid <= 1) {
      throw new IllegalArgumentException("refusing to signal process group " + pgid);
    }
    // why: the daemon's own group holds the daemon (and, in tests, the build); never signal it.
    if (OWN_GROUP.isPresent() && OWN_GROUP.getAsLong() == pgid) {
      log.warn("refusing to signal the daemon's own process group {}", pgid);
      return;
    }
    try {
      Process kill =
          new ProcessBuilder("kill", "-s", signal, "--", "-" + pgid)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      if (!kill.waitFor(KILL_COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        kill.destroyForcibly();
        log.warn("kill -{} of process group {} did not return in time", signal, pgid);
      }
    } catch (IOException e) {
      log.warn("cannot run kill for process group {}: {}", pgid, e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
