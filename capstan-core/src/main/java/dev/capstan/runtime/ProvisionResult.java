package dev.capstan.runtime;

import java.time.Duration;
import java.util.Objects;

/**
 * The outcome of {@link TaskRuntime#provision}: a ready workspace, or the reason there is none.
 *
 * <p>Immutable and thread-safe.
 */
public sealed interface ProvisionResult {

  /** The workspace exists and the setup command (if any) succeeded. */
  record Ready(Workspace workspace) implements ProvisionResult {
    public Ready {
      Objects.requireNonNull(workspace, "workspace");
    }
  }

  /**
   * Provisioning failed for a reason a user can act on (setup exited non-zero, base branch missing,
   * a leftover branch with commits of its own, git failing).
   *
   * @param reason one line for the attempt's reason, naming what failed and how to fix it
   */
  record Failed(String reason) implements ProvisionResult {
    public Failed {
      Objects.requireNonNull(reason, "reason");
    }
  }

  /** The provisioning deadline passed (typically a hanging setup command, which was killed). */
  record TimedOut(Duration limit, String reason) implements ProvisionResult {
    public TimedOut {
      Objects.requireNonNull(limit, "limit");
      Objects.requireNonNull(reason, "reason");
    }
  }

  /** The cancellation fired before the workspace was ready; the setup command was killed. */
  record Cancelled() implements ProvisionResult {}
}
