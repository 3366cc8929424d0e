package dev.capstan.tool;

import dev.capstan.error.CapstanException;
import dev.capstan.error.ErrorCode;
import java.nio.file.Path;

/**
 * A directory cannot serve as a workspace (missing, not a directory, unreadable).
 *
 * <p>Immutable once constructed.
 */
public final class WorkspaceInvalid extends CapstanException {
  private static final long serialVersionUID = 1L;

  private final String directory;

  /**
   * A bad workspace directory.
   *
   * @param directory the directory given
   * @param reason why it cannot be used
   */
  public WorkspaceInvalid(Path directory, String reason) {
    super(
        ErrorCode.WORKSPACE_INVALID,
        "Cannot use " + directory + " as a workspace: " + reason,
        "Pass an existing directory that Capstan can read and write.");
    this.directory = directory.toString();
  }

  /** The directory given. */
  public String directory() {
    return directory;
  }
}
