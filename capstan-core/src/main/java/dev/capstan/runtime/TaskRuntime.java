package dev.capstan.runtime;

import java.util.List;

/**
 * Where attempts of tasks run: the SPI between the task engine and an execution environment. The
 * local implementation uses git worktrees and process groups on this machine; a Kubernetes
 * implementation runs a pod per attempt behind the same contract.
 *
 * <p>The lifecycle of one attempt is {@link #provision} → {@link #launch} → {@link AgentRun#await}
 * → {@link #finish} (on success) → {@link #remove} (when the workspace is no longer wanted, usually
 * by gc). Branches always outlive their workspaces.
 *
 * <p>Every operation has a deadline: provisioning takes one in its request, a run takes {@link
 * RunLimits}, and the remaining calls apply the implementation's own timeouts to every external
 * call. Failures of the environment (git failing, a disk full) are thrown as {@link
 * RuntimeFailure}; outcomes the engine decides on (a setup that timed out, an agent that exited
 * non-zero) are returned as values.
 *
 * <p>Implementations are thread-safe: the engine calls them from many attempt threads at once.
 */
public interface TaskRuntime {

  /**
   * Creates the workspace of an attempt and runs the repo's setup command in it, all within {@link
   * ProvisionRequest#timeout()}. Output of the setup command goes to {@code sink}. Cancelling
   * {@code cancellation} stops provisioning promptly (killing the setup command) and returns {@link
   * ProvisionResult.Cancelled}; a workspace already created is left for {@link #remove} or gc.
   *
   * @return the ready workspace, or why there is none
   */
  ProvisionResult provision(ProvisionRequest request, OutputSink sink, Cancellation cancellation);

  /**
   * Starts the agent of an attempt in its workspace and returns at once with a handle. The agent
   * gets a minimal, explicit environment (never the daemon's secrets), the prompt in {@code
   * CAPSTAN_PROMPT} and in a file outside the worktree, and the attempt's {@link RunMarker}.
   * Everything it writes to stdout and stderr reaches {@link LaunchRequest#sink()} as it comes.
   *
   * @throws RuntimeFailure when the agent cannot be started at all
   */
  AgentRun launch(LaunchRequest request);

  /**
   * Commits whatever the agent left uncommitted in the workspace (nothing when the tree is clean)
   * and measures the change of the branch against the workspace's base commit, including commits
   * the agent made itself. The branch is kept; the workspace stays until {@link #remove}.
   *
   * @throws RuntimeFailure when git fails
   */
  CommitResult finish(Workspace workspace, CommitRequest request);

  /**
   * Removes a workspace (idempotent: removing one that is gone does nothing). The branch is kept.
   *
   * @throws RuntimeFailure when the workspace exists but cannot be removed
   */
  void remove(WorkspaceRef workspace);

  /** Every workspace this runtime holds, with its disk usage, for gc and orphan detection. */
  List<WorkspaceUsage> workspaces();

  /**
   * Agent processes that carry this daemon home's {@link RunMarker} but belong to no run this
   * runtime instance started: processes left behind by a daemon that died. Processes of other homes
   * and processes without a marker are never listed.
   */
  List<OrphanProcess> findOrphans();

  /**
   * Kills the orphans that {@link #findOrphans()} reports (their whole process groups: SIGTERM,
   * then SIGKILL after a short grace) and returns those that were found.
   */
  List<OrphanProcess> killOrphans();
}
