package dev.capstan.runtime;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The mark every process of an agent run carries in its environment as {@code
 * CAPSTAN_RUN_MARKER=<home hash>/<task>/<attempt>}, inherited by everything it starts. It lets a
 * restarted daemon find and kill what a dead daemon left running, without touching processes of
 * other Capstan homes or anything else on the machine.
 *
 * <p>Immutable and thread-safe.
 *
 * @param homeHash the first 16 hex digits of the SHA-256 of the daemon home's absolute path
 * @param taskId the task
 * @param attempt the attempt number
 */
public record RunMarker(String homeHash, long taskId, int attempt) {
  /** The environment variable that carries the marker. */
  public static final String ENV = "CAPSTAN_RUN_MARKER";

  private static final Pattern HASH = Pattern.compile("[0-9a-f]{16}");
  private static final Pattern FORMAT =
      Pattern.compile("([0-9a-f]{16})/([1-9][0-9]{0,18})/([1-9][0-9]{0,8})");

  public RunMarker {
    requireHomeHash(homeHash);
    if (taskId <= 0 || attempt < 1) {
      throw new IllegalArgumentException("taskId and attempt must be positive");
    }
  }

  /** Checks a home hash as markers carry it (also for {@link TurnMarker}). */
  static void requireHomeHash(String homeHash) {
    Objects.requireNonNull(homeHash, "homeHash");
    if (!HASH.matcher(homeHash).matches()) {
      throw new IllegalArgumentException("homeHash must be 16 lowercase hex digits");
    }
  }

  /** The hash that identifies a daemon home in markers. */
  public static String homeHash(Path home) {
    String path = home.toAbsolutePath().normalize().toString();
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(path.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  /** Parses a marker value; empty when it is not one. */
  public static Optional<RunMarker> parse(String value) {
    Matcher matcher = FORMAT.matcher(value == null ? "" : value);
    if (!matcher.matches()) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          new RunMarker(
              matcher.group(1),
              Long.parseLong(matcher.group(2)),
              Integer.parseInt(matcher.group(3))));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** The value of {@link #ENV}. */
  public String value() {
    return homeHash + "/" + taskId + "/" + attempt;
  }
}
