package dev.capstan.bench;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One measured figure: its samples, summarised as median and p90, against an optional goal.
 *
 * <p>Immutable.
 *
 * @param name what was measured, for a person
 * @param unit unit of the samples, for example {@code ms}
 * @param samples the raw samples
 * @param goal the bound we aim for, in the same unit, if any
 * @param atLeast whether the goal is a lower bound (throughput) rather than an upper bound
 * @param note how it was measured
 */
public record Figure(
    String name,
    String unit,
    List<Double> samples,
    Optional<Double> goal,
    boolean atLeast,
    String note) {
  public Figure {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(unit, "unit");
    samples = List.copyOf(samples);
    if (samples.isEmpty()) {
      throw new IllegalArgumentException("figure " + name + " has no samples");
    }
    Objects.requireNonNull(goal, "goal");
    Objects.requireNonNull(note, "note");
  }

  /** A figure whose goal, if any, is an upper bound (latency, time, memory). */
  public Figure(
      String name, String unit, List<Double> samples, Optional<Double> goal, String note) {
    this(name, unit, samples, goal, false, note);
  }

  /** The goal as text: {@code <= 150 ms} or {@code >= 100000 lines/s}. */
  public Optional<String> goalText(java.util.function.DoubleFunction<String> format) {
    return goal.map(value -> (atLeast ? "≥ " : "≤ ") + format.apply(value));
  }

  /** The median sample. */
  public double median() {
    return percentile(0.5);
  }

  /** The 90th percentile (nearest rank). */
  public double p90() {
    return percentile(0.9);
  }

  /** Whether the median meets the goal; empty when there is no goal. */
  public Optional<Boolean> met() {
    return goal.map(bound -> atLeast ? median() >= bound : median() <= bound);
  }

  private double percentile(double fraction) {
    List<Double> sorted = samples.stream().sorted().toList();
    int rank = (int) Math.ceil(fraction * sorted.size());
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
  }
}
