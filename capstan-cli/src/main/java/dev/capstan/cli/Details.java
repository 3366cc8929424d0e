package dev.capstan.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Label/value lines for one object ({@code repo show}, {@code task show}): labels padded to one
 * width, values made printable on one line (see {@link Table#printable}).
 *
 * <p>Confined to one thread.
 */
public final class Details {
  private final List<String[]> lines = new ArrayList<>();

  /** Adds a line; a {@code null} or empty value prints as {@code -}. */
  public Details add(String label, Object value) {
    String text = value == null ? "" : Table.printable(value.toString());
    lines.add(new String[] {label, text.isEmpty() ? "-" : text});
    return this;
  }

  /** Prints the lines. */
  public void print(PrintStream out) {
    int width = lines.stream().mapToInt(line -> line[0].length()).max().orElse(0);
    for (String[] line : lines) {
      out.println(line[0] + ":" + " ".repeat(width - line[0].length() + 2) + line[1]);
    }
  }
}
