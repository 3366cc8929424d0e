package dev.capstan.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A plain-text table for people: a header row, then one line per row, columns padded to the widest
 * cell. Cells are made safe to print: control characters (newlines in a prompt, escape sequences in
 * hostile input) are shown as visible escapes, and long cells are cut with an ellipsis, so one row
 * is always one line.
 *
 * <p>Confined to one thread.
 */
public final class Table {
  /** The widest a cell may be before it is cut. */
  public static final int MAX_CELL = 60;

  private final List<String> headers;
  private final List<List<String>> rows = new ArrayList<>();

  public Table(String... headers) {
    this.headers = List.of(headers);
  }

  /** Adds a row; {@code null} cells print as {@code -}. */
  public Table row(Object... cells) {
    if (cells.length != headers.size()) {
      throw new IllegalArgumentException(
          "a row of " + headers.size() + " columns got " + cells.length + " cells");
    }
    rows.add(Arrays.stream(cells).map(cell -> cell(cell, MAX_CELL)).toList());
    return this;
  }

  /** Whether no row was added. */
  public boolean isEmpty() {
    return rows.isEmpty();
  }

  /** Prints the header and the rows. */
  public void print(PrintStream out) {
    int[] widths = new int[headers.size()];
    for (int column = 0; column < widths.length; column++) {
      widths[column] = headers.get(column).length();
      for (List<String> row : rows) {
        widths[column] = Math.max(widths[column], row.get(column).length());
      }
    }
    out.println(line(headers, widths));
    for (List<String> row : rows) {
      out.println(line(row, widths));
    }
  }

  private static String line(List<String> cells, int[] widths) {
    StringBuilder line = new StringBuilder();
    for (int column = 0; column < cells.size(); column++) {
      String cell = cells.get(column);
      line.append(cell);
      if (column < cells.size() - 1) {
        line.append(" ".repeat(widths[column] - cell.length() + 2));
      }
    }
    return line.toString().stripTrailing();
  }

  /** {@code value} as one printable line of at most {@code max} characters. */
  public static String cell(Object value, int max) {
    String text = value == null ? "-" : printable(value.toString());
    if (text.isEmpty()) {
      return "-";
    }
    return text.length() <= max ? text : text.substring(0, Math.max(0, max - 1)) + "…";
  }

  /** {@code text} with every control character shown as a visible escape. */
  public static String printable(String text) {
    StringBuilder safe = new StringBuilder(text.length());
    text.codePoints()
        .forEach(
            point -> {
              switch (point) {
                case '\n' -> safe.append("\\n");
                case '\r' -> safe.append("\\r");
                case '\t' -> safe.append("\\t");
                default -> {
                  if (Character.isISOControl(point)) {
                    safe.append(String.format("\\u%04x", point));
                  } else {
                    safe.appendCodePoint(point);
                  }
                }
              }
            });
    return safe.toString();
  }
}
