package dev.capstan.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Renders results as a plain-text table (stdout) and as {@code BENCHMARKS.md}. Stateless. */
final class BenchReport {
  private BenchReport() {}

  static String table(Map<String, List<Figure>> results) {
    StringBuilder out = new StringBuilder();
    for (Map.Entry<String, List<Figure>> suite : results.entrySet()) {
      out.append("== ").append(suite.getKey()).append('\n');
      out.append(
          String.format(
              Locale.ROOT, "%-72s %10s %10s %10s %5s%n", "figure", "median", "p90", "goal", "met"));
      for (Figure figure : suite.getValue()) {
        out.append(
            String.format(
                Locale.ROOT,
                "%-72s %10s %10s %10s %5s%n",
                figure.name(),
                format(figure.median(), figure.unit()),
                format(figure.p90(), figure.unit()),
                figure.goalText(goal -> format(goal, figure.unit())).orElse("-"),
                figure.met().map(met -> met ? "yes" : "NO").orElse("-")));
      }
    }
    return out.toString();
  }

  static void writeMarkdown(
      Path file,
      Map<String, List<Figure>> results,
      Machine machine,
      LocalDate date,
      int runs,
      java.util.Optional<Double> stealPercent)
      throws IOException {
    StringBuilder md = new StringBuilder();
    md.append("# Capstan benchmarks\n\n");
    md.append(
            "Measured by `capstan-bench` (`./bench`), which rewrites this file. Each figure is the")
        .append(" median and 90th percentile of ")
        .append(runs)
        .append(" runs (one extra warm-up run is discarded where a fresh JVM is measured).\n\n");
    md.append("- Date: ").append(date).append('\n');
    md.append("- Machine: ").append(machine.describe()).append('\n');
    md.append("- JDK: ").append(machine.jdk()).append('\n');
    md.append("- OS: ").append(machine.os()).append('\n');
    stealPercent.ifPresent(
        steal ->
            md.append(
                String.format(
                    Locale.ROOT,
                    "- CPU time taken by the hypervisor for other guests while measuring (steal,"
                        + " /proc/stat): %.1f %%%n",
                    steal)));
    md.append('\n');
    for (Map.Entry<String, List<Figure>> suite : results.entrySet()) {
      md.append("## ").append(suite.getKey()).append("\n\n");
      md.append("| Figure | Median | p90 | Goal | Met | How |\n");
      md.append("|---|---:|---:|---:|:-:|---|\n");
      for (Figure figure : suite.getValue()) {
        md.append("| ")
            .append(figure.name())
            .append(" | ")
            .append(format(figure.median(), figure.unit()))
            .append(" | ")
            .append(format(figure.p90(), figure.unit()))
            .append(" | ")
            .append(figure.goalText(goal -> format(goal, figure.unit())).orElse("–"))
            .append(" | ")
            .append(figure.met().map(met -> met ? "yes" : "**no**").orElse("–"))
            .append(" | ")
            .append(figure.note())
            .append(" |\n");
      }
      md.append('\n');
    }
    Files.writeString(file, md.toString(), StandardCharsets.UTF_8);
  }

  private static String format(double value, String unit) {
    if (unit.equals("ms") && value >= 1000) {
      return String.format(Locale.ROOT, "%.2f s", value / 1000);
    }
    if (value >= 10_000) {
      return String.format(Locale.ROOT, "%,.0f %s", value, unit);
    }
    return String.format(Locale.ROOT, value >= 100 ? "%.0f %s" : "%.1f %s", value, unit);
  }
}
