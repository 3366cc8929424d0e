package dev.capstan.config;

import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parsers for the text forms of configuration values. Each throws {@link IllegalArgumentException}
 * with a reason a user understands.
 *
 * <p>Thread-safe (stateless).
 */
public final class ValueParsers {
  private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");
  private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(b|kb|kib|mb|mib|gb|gib)?");
  private static final Set<String> LOG_LEVELS = Set.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR");

  private ValueParsers() {}

  /** A TCP port, 0 meaning "any free port". */
  public static int port(String text) {
    int port = integer(text);
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("a port is 0-65535 (0 = any free port)");
    }
    return port;
  }

  /** A whole number >= 1. */
  public static int positiveInt(String text) {
    int value = integer(text);
    if (value < 1) {
      throw new IllegalArgumentException("must be at least 1");
    }
    return value;
  }

  /** A whole number >= 0. */
  public static int nonNegativeInt(String text) {
    int value = integer(text);
    if (value < 0) {
      throw new IllegalArgumentException("must be at least 0");
    }
    return value;
  }

  /** A CPU niceness a process may lower itself to: a whole number from 0 to 19. */
  public static int niceness(String text) {
    int value = integer(text);
    if (value < 0 || value > 19) {
      throw new IllegalArgumentException("must be between 0 and 19");
    }
    return value;
  }

  /** One non-blank line of text. */
  public static String line(String text) {
    if (text.isBlank() || text.chars().anyMatch(Character::isISOControl)) {
      throw new IllegalArgumentException("expected one non-blank line of text");
    }
    return text;
  }

  /** A duration, or {@code none} (or {@code 0}) for no limit. */
  public static java.util.Optional<Duration> optionalDuration(String text) {
    String trimmed = text.trim().toLowerCase(java.util.Locale.ROOT);
    if (trimmed.equals("none") || trimmed.equals("0")) {
      return java.util.Optional.empty();
    }
    Duration duration = duration(text);
    return duration.isZero() ? java.util.Optional.empty() : java.util.Optional.of(duration);
  }

  /** A duration such as {@code 500ms}, {@code 30s}, {@code 2m}, {@code 1h} or {@code 30d}. */
  public static Duration duration(String text) {
    Matcher matcher = DURATION.matcher(text.toLowerCase(Locale.ROOT));
    if (!matcher.matches()) {
      throw new IllegalArgumentException("expected a duration such as 500ms, 30s, 2m, 1h or 30d");
    }
    Duration duration;
    try {
      long amount = Long.parseLong(matcher.group(1));
      duration =
          switch (matcher.group(2)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            default -> Duration.ofDays(amount);
          };
    } catch (ArithmeticException | NumberFormatException e) {
      throw new IllegalArgumentException("too large");
    }
    if (duration.isZero()) {
      throw new IllegalArgumentException("must be longer than zero");
    }
    return duration;
  }

  /** A size in bytes such as {@code 1048576}, {@code 512KiB} or {@code 10MB}. */
  public static long size(String text) {
    Matcher matcher = SIZE.matcher(text.toLowerCase(Locale.ROOT));
    if (!matcher.matches()) {
      throw new IllegalArgumentException("expected a size such as 1048576, 512KiB or 10MB");
    }
    long amount;
    try {
      amount = Long.parseLong(matcher.group(1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("too large");
    }
    String unit = matcher.group(2) == null ? "b" : matcher.group(2);
    long multiplier =
        switch (unit) {
          case "kb" -> 1_000L;
          case "kib" -> 1L << 10;
          case "mb" -> 1_000_000L;
          case "mib" -> 1L << 20;
          case "gb" -> 1_000_000_000L;
          case "gib" -> 1L << 30;
          default -> 1L;
        };
    if (amount < 1) {
      throw new IllegalArgumentException("must be at least 1 byte");
    }
    try {
      return Math.multiplyExact(amount, multiplier);
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("too large");
    }
  }

  /** A host name or IP literal to bind to. */
  public static String host(String text) {
    if (text.isEmpty() || text.chars().anyMatch(Character::isWhitespace)) {
      throw new IllegalArgumentException("expected a host name or IP address such as 127.0.0.1");
    }
    return text;
  }

  /** A log level name. */
  public static String logLevel(String text) {
    String upper = text.toUpperCase(Locale.ROOT);
    if (!LOG_LEVELS.contains(upper)) {
      throw new IllegalArgumentException("expected one of TRACE, DEBUG, INFO, WARN, ERROR");
    }
    return upper;
  }

  /**
   * The base URL of an HTTP server, such as {@code http://localhost:1234/v1}; a trailing slash is
   * dropped. Credentials in the URL are refused: secrets never go in a URL.
   */
  public static java.net.URI httpUrl(String text) {
    java.net.URI uri;
    try {
      uri = new java.net.URI(text);
    } catch (java.net.URISyntaxException e) {
      throw new IllegalArgumentException("expected a URL such as http://localhost:1234/v1");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
      throw new IllegalArgumentException(
          "expected an http(s) URL such as http://localhost:1234/v1");
    }
    if (uri.getUserInfo() != null) {
      throw new IllegalArgumentException(
          "credentials do not belong in the URL; set CAPSTAN_LLM_API_KEY instead");
    }
    if (uri.getQuery() != null || uri.getFragment() != null) {
      throw new IllegalArgumentException("expected a base URL without query or fragment");
    }
    String normalized = uri.toString();
    while (normalized.endsWith("/")) {
      normalized = normalized.substring(0, normalized.length() - 1);
    }
    return java.net.URI.create(normalized);
  }

  /**
   * A model id such as {@code qwen/qwen3-8b}: no whitespace or control characters; may be empty.
   */
  public static String modelId(String text) {
    String id = text.strip();
    if (id.chars().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c))) {
      throw new IllegalArgumentException(
          "a model id has no spaces or control characters, such as qwen/qwen3-8b");
    }
    return id;
  }

  private static int integer(String text) {
    try {
      return Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("expected a whole number");
    }
  }
}
