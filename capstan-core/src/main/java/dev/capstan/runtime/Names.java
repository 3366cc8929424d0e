package dev.capstan.runtime;

import java.util.regex.Pattern;

/**
 * The one rule for names that become directory names and path segments: repo names and workspace
 * names. A name starts with a letter or digit, continues with letters, digits, {@code .}, {@code _}
 * and {@code -}, is at most 64 characters long and never contains {@code ..}. So a name can neither
 * climb out of its directory, nor be read as an option by a command, nor carry shell syntax.
 *
 * <p>Thread-safe (stateless).
 */
public final class Names {
  private static final Pattern VALID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

  private Names() {}

  /** Whether {@code name} follows the rule. */
  public static boolean isValid(String name) {
    return name != null && VALID.matcher(name).matches() && !name.contains("..");
  }

  /**
   * Returns {@code name} when it follows the rule.
   *
   * @param what what the name names, for the message ("repo", "workspace")
   * @throws InvalidName otherwise
   */
  public static String requireValidName(String what, String name) {
    if (!isValid(name)) {
      throw new InvalidName(what, name);
    }
    return name;
  }
}
