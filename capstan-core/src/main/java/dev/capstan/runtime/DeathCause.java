package dev.capstan.runtime;

/**
 * Why an agent died of a signal Capstan did not send, as far as can be told.
 *
 * <p>Best effort: the kernel's OOM killer sends SIGKILL, so an agent killed by SIGKILL (exit 137)
 * while the memory cgroup it runs in counted a new {@code oom_kill} in {@code memory.events} was
 * OOM-killed. Without a readable cgroup counter an unexplained SIGKILL is reported as a crash.
 */
public enum DeathCause {
  /** A signal we did not send ended the agent (SIGSEGV, SIGABRT, a SIGKILL from someone else). */
  CRASHED,
  /** The kernel's OOM killer ended the agent. */
  OOM_KILLED;

  /** The signal number of SIGKILL. */
  public static final int SIGKILL = 9;

  /**
   * Classifies a death by signal.
   *
   * @param signal the signal that ended the agent
   * @param oomKillsBefore the cgroup's {@code oom_kill} counter when the agent started, or -1 when
   *     unreadable
   * @param oomKillsAfter the counter when the agent died, or -1 when unreadable
   */
  public static DeathCause classify(int signal, long oomKillsBefore, long oomKillsAfter) {
    boolean counterRose = oomKillsBefore >= 0 && oomKillsAfter > oomKillsBefore;
    return signal == SIGKILL && counterRose ? OOM_KILLED : CRASHED;
  }
}
