package dev.capstan.daemon.local;

import java.util.Optional;

/**
 * What {@code git status --porcelain=v2 --branch} says about a workspace: whether anything is
 * changed or untracked, and the commit HEAD points at.
 *
 * @param dirty whether any file is changed, staged, untracked or unmerged
 * @param head HEAD's commit, empty on an unborn branch
 */
record WorkspaceStatus(boolean dirty, Optional<String> head) {
  private static final String OID = "# branch.oid ";

  /** Parses the output of {@code git status --porcelain=v2 --branch}. */
  static WorkspaceStatus parse(String output) {
    boolean dirty = false;
    Optional<String> head = Optional.empty();
    for (String line : output.lines().toList()) {
      if (line.startsWith(OID)) {
        String oid = line.substring(OID.length()).strip();
        head = oid.matches("[0-9a-f]{40,64}") ? Optional.of(oid) : Optional.empty();
      } else if (!line.isBlank() && !line.startsWith("#")) {
        dirty = true;
      }
    }
    return new WorkspaceStatus(dirty, head);
  }
}
