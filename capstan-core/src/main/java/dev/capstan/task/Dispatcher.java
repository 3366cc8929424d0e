package dev.capstan.task;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The pure scheduling decision: which queued tasks start now, and why each of the others waits.
 * Highest priority first, then first come first served; a task starts when both the global limit
 * and its repo's limit have a free slot. A task held back by its repo does not block tasks of other
 * repos behind it.
 *
 * <p>Thread-safe (stateless): no I/O, no clock, no randomness.
 */
public final class Dispatcher {
  /** The order tasks are considered in. */
  public static final Comparator<DispatchSnapshot.Queued> ORDER =
      Comparator.comparingInt(DispatchSnapshot.Queued::priority)
          .reversed()
          .thenComparing(DispatchSnapshot.Queued::createdAt)
          .thenComparingLong(DispatchSnapshot.Queued::taskId);

  private Dispatcher() {}

  /** Decides over {@code snapshot}; one decision per queued task, in dispatch order. */
  public static DispatchPlan plan(DispatchSnapshot snapshot) {
    List<DispatchSnapshot.Queued> ordered = new ArrayList<>(snapshot.queued());
    ordered.sort(ORDER);
    Map<String, Integer> active = new HashMap<>(snapshot.activeByRepo());
    int globalActive = active.values().stream().mapToInt(Integer::intValue).sum();
    List<DispatchDecision> decisions = new ArrayList<>(ordered.size());
    for (DispatchSnapshot.Queued task : ordered) {
      int repoActive = active.getOrDefault(task.repo(), 0);
      int repoLimit = snapshot.repoLimits().getOrDefault(task.repo(), snapshot.defaultRepoLimit());
      if (globalActive >= snapshot.globalLimit()) {
        decisions.add(
            new DispatchDecision.Wait(
                task.taskId(), PendingReason.global(globalActive, snapshot.globalLimit())));
      } else if (repoActive >= repoLimit) {
        decisions.add(
            new DispatchDecision.Wait(
                task.taskId(), PendingReason.repo(task.repo(), repoActive, repoLimit)));
      } else {
        decisions.add(new DispatchDecision.Start(task.taskId(), task.repo()));
        active.put(task.repo(), repoActive + 1);
        globalActive++;
      }
    }
    // why: a task that waited for the global limit before a later start filled it reports the
    // final count, so every waiting task shows the same, current figure.
    List<DispatchDecision> settled = new ArrayList<>(decisions.size());
    for (DispatchDecision decision : decisions) {
      settled.add(
          switch (decision) {
            case DispatchDecision.Start start -> start;
            case DispatchDecision.Wait wait ->
                wait.reason().limit() == PendingReason.Limit.GLOBAL
                    ? new DispatchDecision.Wait(
                        wait.taskId(), PendingReason.global(globalActive, snapshot.globalLimit()))
                    : wait;
          });
    }
    return new DispatchPlan(settled);
  }
}
