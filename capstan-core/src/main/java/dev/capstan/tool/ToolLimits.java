package dev.capstan.tool;

import java.time.Duration;
import java.util.Objects;

/**
 * The caps that keep one tool call small and short.
 *
 * @param maxReadBytes largest file {@code read_file} returns whole (larger files are cut)
 * @param maxOutputBytes largest output of {@code run_command}, {@code git_*}, {@code list_dir} and
 *     {@code search} shown to the model
 * @param maxSearchMatches most matching lines {@code search} reports
 * @param commandTimeout how long {@code run_command} may run before its process tree is killed
 */
public record ToolLimits(
    long maxReadBytes, long maxOutputBytes, int maxSearchMatches, Duration commandTimeout) {

  /** 256 KiB. */
  public static final long DEFAULT_MAX_READ_BYTES = 256 * 1024;

  /** 64 KiB. */
  public static final long DEFAULT_MAX_OUTPUT_BYTES = 64 * 1024;

  /** 200 lines. */
  public static final int DEFAULT_MAX_SEARCH_MATCHES = 200;

  /** Two minutes. */
  public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofMinutes(2);

  /** The defaults. */
  public static final ToolLimits DEFAULTS =
      new ToolLimits(
          DEFAULT_MAX_READ_BYTES,
          DEFAULT_MAX_OUTPUT_BYTES,
          DEFAULT_MAX_SEARCH_MATCHES,
          DEFAULT_COMMAND_TIMEOUT);

  public ToolLimits {
    Objects.requireNonNull(commandTimeout, "commandTimeout");
    if (maxReadBytes < 1 || maxOutputBytes < 1 || maxSearchMatches < 1) {
      throw new IllegalArgumentException("tool limits must be >= 1");
    }
    if (commandTimeout.isNegative() || commandTimeout.isZero()) {
      throw new IllegalArgumentException("commandTimeout must be > 0, was " + commandTimeout);
    }
  }
}
