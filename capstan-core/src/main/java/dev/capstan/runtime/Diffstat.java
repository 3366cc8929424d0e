package dev.capstan.runtime;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Files changed, lines inserted and lines deleted, as {@code git diff --shortstat} counts them.
 *
 * <p>Immutable and thread-safe.
 */
public record Diffstat(int files, int insertions, int deletions) {
  /** No change. */
  public static final Diffstat EMPTY = new Diffstat(0, 0, 0);

  private static final Pattern FILES = Pattern.compile("(\\d+) files? changed");
  private static final Pattern INSERTIONS = Pattern.compile("(\\d+) insertions?\\(\\+\\)");
  private static final Pattern DELETIONS = Pattern.compile("(\\d+) deletions?\\(-\\)");

  public Diffstat {
    if (files < 0 || insertions < 0 || deletions < 0) {
      throw new IllegalArgumentException(
          "diffstat counts must be >= 0, were " + files + "/" + insertions + "/" + deletions);
    }
  }

  /**
   * Parses the one line of {@code git diff --shortstat} (empty output means no change), e.g. {@code
   * " 3 files changed, 10 insertions(+), 2 deletions(-)"}.
   */
  public static Diffstat parseShortstat(String line) {
    String text = line == null ? "" : line.strip();
    if (text.isEmpty()) {
      return EMPTY;
    }
    return new Diffstat(count(FILES, text), count(INSERTIONS, text), count(DELETIONS, text));
  }

  private static int count(Pattern pattern, String text) {
    Matcher matcher = pattern.matcher(text);
    return matcher.find() ? Integer.parseInt(matcher.group(1)) : 0;
  }
}
