package dev.capstan.tool;

import dev.capstan.error.CapstanException;
import dev.capstan.error.ErrorCode;

/**
 * A tool was asked for a path that leaves its workspace: an absolute path, {@code ..} above the
 * root, or a symlink (of the file or of a parent directory) that points out.
 *
 * <p>Immutable once constructed.
 */
public final class PathOutsideWorkspace extends CapstanException {
  private static final long serialVersionUID = 1L;

  private final String path;

  /**
   * A refused path.
   *
   * @param path the path as asked for
   * @param reason why it leaves the workspace
   */
  public PathOutsideWorkspace(String path, String reason) {
    super(
        ErrorCode.FORBIDDEN,
        "Refused path '" + path + "': " + reason,
        "Use a path relative to the workspace root that stays inside it.");
    this.path = path;
  }

  /** The path as asked for. */
  public String path() {
    return path;
  }
}
