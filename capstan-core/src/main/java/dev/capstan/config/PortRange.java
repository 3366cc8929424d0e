package dev.capstan.config;

import java.util.stream.IntStream;

/**
 * An inclusive range of TCP ports, written {@code 7424-7443}.
 *
 * @param first lowest port
 * @param last highest port
 */
public record PortRange(int first, int last) {
  public PortRange {
    if (first < 1 || last > 65_535 || first > last) {
      throw new IllegalArgumentException(
          "a port range is FIRST-LAST within 1-65535 with FIRST <= LAST, was "
              + first
              + "-"
              + last);
    }
  }

  /** Parses {@code 7424-7443} (or a single port). */
  public static PortRange parse(String text) {
    String trimmed = text.trim();
    int dash = trimmed.indexOf('-');
    try {
      if (dash < 0) {
        int port = Integer.parseInt(trimmed);
        return new PortRange(port, port);
      }
      return new PortRange(
          Integer.parseInt(trimmed.substring(0, dash).trim()),
          Integer.parseInt(trimmed.substring(dash + 1).trim()));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("expected FIRST-LAST, for example 7424-7443");
    }
  }

  /** The ports in ascending order. */
  public IntStream ports() {
    return IntStream.rangeClosed(first, last);
  }

  @Override
  public String toString() {
    return first + "-" + last;
  }
}
