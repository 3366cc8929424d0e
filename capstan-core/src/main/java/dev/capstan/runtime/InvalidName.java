package dev.capstan.runtime;

import dev.capstan.error.CapstanException;
import dev.capstan.error.ErrorCode;

/**
 * A repo, workspace or branch name that Capstan refuses: it could escape its directory, be read as
 * an option or does not follow the naming rule.
 */
public final class InvalidName extends CapstanException {
  private static final long serialVersionUID = 1L;

  private static final String NAME_HINT =
      "names start with a letter or digit, use only letters, digits, '.', '_' and '-',"
          + " are at most 64 characters long and contain no '..'";
  private static final String BRANCH_HINT =
      "use a branch name that 'git check-ref-format --branch' accepts and that does not start"
          + " with '-'";

  private final String name;

  /**
   * A name that breaks the rule of {@link Names}.
   *
   * @param what what the name names ("repo", "workspace", ...)
   */
  public InvalidName(String what, String name) {
    this(what, name, NAME_HINT);
  }

  private InvalidName(String what, String name, String hint) {
    super(ErrorCode.INVALID_NAME, "invalid " + what + " name '" + printable(name) + "'", hint);
    this.name = name == null ? "" : name;
  }

  /** A branch name that git refuses or that could be read as an option. */
  public static InvalidName branch(String name) {
    return new InvalidName("branch", name, BRANCH_HINT);
  }

  /** The refused name, as given. */
  public String name() {
    return name;
  }

  // why: a hostile name may carry control characters; the message must stay one clean line.
  private static String printable(String name) {
    if (name == null) {
      return "";
    }
    StringBuilder out = new StringBuilder();
    name.codePoints()
        .limit(100)
        .forEach(cp -> out.append(Character.isISOControl(cp) ? "?" : Character.toString(cp)));
    return out.toString();
  }
}
