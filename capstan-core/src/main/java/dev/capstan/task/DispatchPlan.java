package dev.capstan.task;

import java.util.List;

/**
 * The output of {@link Dispatcher#plan}: one decision per queued task, in dispatch order.
 *
 * <p>Immutable and thread-safe.
 *
 * @param decisions the decisions
 */
public record DispatchPlan(List<DispatchDecision> decisions) {
  public DispatchPlan {
    decisions = List.copyOf(decisions);
  }

  /** The tasks to start, in order. */
  public List<DispatchDecision.Start> starts() {
    return decisions.stream()
        .filter(DispatchDecision.Start.class::isInstance)
        .map(DispatchDecision.Start.class::cast)
        .toList();
  }

  /** The tasks that wait, with their reasons. */
  public List<DispatchDecision.Wait> waits() {
    return decisions.stream()
        .filter(DispatchDecision.Wait.class::isInstance)
        .map(DispatchDecision.Wait.class::cast)
        .toList();
  }
}
