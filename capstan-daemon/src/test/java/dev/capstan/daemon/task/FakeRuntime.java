package dev.capstan.daemon.task;

import dev.capstan.runtime.AgentRun;
import dev.capstan.runtime.Cancellation;
import dev.capstan.runtime.CommitRequest;
import dev.capstan.runtime.CommitResult;
import dev.capstan.runtime.Diffstat;
import dev.capstan.runtime.LaunchRequest;
import dev.capstan.runtime.OrphanProcess;
import dev.capstan.runtime.OutputSink;
import dev.capstan.runtime.ProvisionRequest;
import dev.capstan.runtime.ProvisionResult;
import dev.capstan.runtime.RunMarker;
import dev.capstan.runtime.RunResult;
import dev.capstan.runtime.TaskRuntime;
import dev.capstan.runtime.Workspace;
import dev.capstan.runtime.WorkspaceRef;
import dev.capstan.runtime.WorkspaceUsage;
import dev.capstan.runtime.Workspaces;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A runtime without git or processes, for dispatch-ordering tests only: provisioning is instant,
 * and every agent run ends with exit 0 after {@code runFor}, or when cancelled.
 *
 * <p>Thread-safe.
 */
final class FakeRuntime implements TaskRuntime {
  private final Duration runFor;

  FakeRuntime(Duration runFor) {
    this.runFor = runFor;
  }

  @Override
  public ProvisionResult provision(
      ProvisionRequest request, OutputSink sink, Cancellation cancellation) {
    if (cancellation.isCancelled()) {
      return new ProvisionResult.Cancelled();
    }
    String name = Workspaces.workspaceNameOf(request.branch()).orElseThrow();
    return new ProvisionResult.Ready(
        new Workspace(
            new WorkspaceRef(request.repo(), request.taskId(), name),
            Path.of("/fake", request.repo(), name),
            request.branch(),
            "0".repeat(40)));
  }

  @Override
  public AgentRun launch(LaunchRequest request) {
    CompletableFuture<RunResult> result = new CompletableFuture<>();
    CompletableFuture.delayedExecutor(runFor.toMillis(), TimeUnit.MILLISECONDS)
        .execute(() -> result.complete(new RunResult.Exited(0)));
    RunMarker marker =
        new RunMarker("0123456789abcdef", request.task().taskId(), request.task().attempt());
    return new AgentRun() {
      @Override
      public RunMarker marker() {
        return marker;
      }

      @Override
      public Optional<Long> pid() {
        return Optional.empty();
      }

      @Override
      public boolean isAlive() {
        return !result.isDone();
      }

      @Override
      public Optional<RunResult> await(Duration timeout) throws InterruptedException {
        try {
          return Optional.of(result.get(timeout.toMillis(), TimeUnit.MILLISECONDS));
        } catch (TimeoutException e) {
          return Optional.empty();
        } catch (ExecutionException e) {
          throw new IllegalStateException(e);
        }
      }

      @Override
      public RunResult await() throws InterruptedException {
        try {
          return result.get();
        } catch (ExecutionException e) {
          throw new IllegalStateException(e);
        }
      }

      @Override
      public void cancel() {
        result.complete(new RunResult.Cancelled());
      }
    };
  }

  @Override
  public CommitResult finish(Workspace workspace, CommitRequest request) {
    return new CommitResult("1".repeat(40), false, Diffstat.EMPTY);
  }

  @Override
  public void remove(WorkspaceRef workspace) {}

  @Override
  public List<WorkspaceUsage> workspaces() {
    return List.of();
  }

  @Override
  public List<OrphanProcess> findOrphans() {
    return List.of();
  }

  @Override
  public List<OrphanProcess> killOrphans() {
    return List.of();
  }
}
