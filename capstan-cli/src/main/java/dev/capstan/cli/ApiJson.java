package dev.capstan.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * Reading the daemon's JSON answers for display: absent and {@code null} fields become {@code null}
 * (printed as {@code -}), ISO-8601 durations become {@code 10m}-style text.
 *
 * <p>Thread-safe (stateless).
 */
public final class ApiJson {
  private ApiJson() {}

  /** The field as text, {@code null} when absent or JSON null. */
  public static String text(JsonNode node, String field) {
    JsonNode value = node.path(field);
    if (value.isMissingNode() || value.isNull()) {
      return null;
    }
    return value.isValueNode() ? value.asText() : value.toString();
  }

  /** An ISO-8601 duration field ({@code PT10M}) as {@code 10m}, or {@code fallback} when unset. */
  public static String duration(JsonNode node, String field, String fallback) {
    String iso = text(node, field);
    if (iso == null) {
      return fallback;
    }
    try {
      return human(Duration.parse(iso));
    } catch (DateTimeParseException e) {
      return iso;
    }
  }

  /** {@code 90s} as {@code 1m30s}, {@code 3600s} as {@code 1h}. */
  public static String human(Duration duration) {
    if (duration.isZero()) {
      return "0s";
    }
    StringBuilder text = new StringBuilder();
    long hours = duration.toHours();
    int minutes = duration.toMinutesPart();
    int seconds = duration.toSecondsPart();
    int millis = duration.toMillisPart();
    if (hours > 0) {
      text.append(hours).append('h');
    }
    if (minutes > 0) {
      text.append(minutes).append('m');
    }
    if (seconds > 0) {
      text.append(seconds).append('s');
    }
    if (millis > 0) {
      text.append(millis).append("ms");
    }
    return text.toString();
  }

  /** {@code bytes} as {@code 1.5 MiB}. */
  public static String bytes(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    double value = bytes;
    int unit = -1;
    while (value >= 1024 && unit < units.length - 1) {
      value /= 1024;
      unit++;
    }
    return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
  }
}
