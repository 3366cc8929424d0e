package dev.capstan.tool;

import java.util.Objects;

/**
 * What a tool call runs against.
 *
 * @param workspace the directory it is confined to
 * @param limits its size and time caps
 * @param cancel fires when the turn or task is cancelled
 */
public record ToolContext(Workspace workspace, ToolLimits limits, CancelToken cancel) {
  public ToolContext {
    Objects.requireNonNull(workspace, "workspace");
    Objects.requireNonNull(limits, "limits");
    Objects.requireNonNull(cancel, "cancel");
  }
}
