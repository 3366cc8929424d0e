package dev.capstan.bench;

import java.util.List;

/** A group of related figures, measured together. Add new ones to {@link BenchMain#SUITES}. */
public interface Benchmark {
  /** Section title in the report. */
  String title();

  /** Runs the measurements. */
  List<Figure> run(BenchContext context) throws Exception;
}
