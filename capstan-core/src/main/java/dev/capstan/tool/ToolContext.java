package dev.capstan.tool;

import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What a tool call runs against.
 *
 * @param workspace the directory it is confined to
 * @param limits its size and time caps
 * @param cancel fires when the turn or task is cancelled
 * @param processEnv variables added to the minimal environment of every process the tool starts (a
 *     task's run marker, so that a command left running by a daemon that died is found and killed
 *     on the next start); never a secret, since the command and the model can read it
 */
public record ToolContext(
    Workspace workspace, ToolLimits limits, CancelToken cancel, Map<String, String> processEnv) {
  private static final Pattern NAME = Pattern.compile("[A-Z_][A-Z0-9_]*");

  public ToolContext {
    Objects.requireNonNull(workspace, "workspace");
    Objects.requireNonNull(limits, "limits");
    Objects.requireNonNull(cancel, "cancel");
    processEnv = Map.copyOf(processEnv);
    for (Map.Entry<String, String> variable : processEnv.entrySet()) {
      if (!NAME.matcher(variable.getKey()).matches() || variable.getValue().indexOf('\0') >= 0) {
        throw new IllegalArgumentException(
            "not an environment variable a tool process may carry: " + variable.getKey());
      }
    }
  }

  /** A context whose processes get only the minimal environment. */
  public ToolContext(Workspace workspace, ToolLimits limits, CancelToken cancel) {
    this(workspace, limits, cancel, Map.of());
  }
}
