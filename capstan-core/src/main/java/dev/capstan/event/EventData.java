package dev.capstan.event;

import java.util.Objects;

/**
 * The payloads of events: one record per {@link EventType}. Sealed, so a switch over them is
 * exhaustive and a new type breaks the build where it must be handled.
 */
public sealed interface EventData {
  /** The type this payload belongs to. */
  EventType type();

  /**
   * The daemon became healthy.
   *
   * @param instanceId id of this daemon run
   * @param version its version
   * @param pid its process id
   * @param url where it listens
   */
  record DaemonStarted(String instanceId, String version, long pid, String url)
      implements EventData {
    public DaemonStarted {
      Objects.requireNonNull(instanceId, "instanceId");
      Objects.requireNonNull(version, "version");
      Objects.requireNonNull(url, "url");
    }

    @Override
    public EventType type() {
      return EventType.DAEMON_STARTED;
    }
  }

  /**
   * The daemon is shutting down.
   *
   * @param reason why
   */
  record DaemonStopping(String reason) implements EventData {
    public DaemonStopping {
      Objects.requireNonNull(reason, "reason");
    }

    @Override
    public EventType type() {
      return EventType.DAEMON_STOPPING;
    }
  }

  /**
   * A chunk of output text: one or more whole lines as the agent printed them (coalesced), or a
   * trailing partial line flushed on a timer. Concatenating the chunks of a stream in seq order
   * gives the exact output.
   *
   * @param text the text, newlines included
   */
  record OutputChunk(String text) implements EventData {
    public OutputChunk {
      Objects.requireNonNull(text, "text");
    }

    @Override
    public EventType type() {
      return EventType.TASK_OUTPUT;
    }
  }

  /**
   * A task changed state (on {@code task/<id>} and {@code tasks}).
   *
   * @param taskId the task
   * @param repo its repo
   * @param from the state before, null when the task was just submitted
   * @param to the state after
   * @param trigger what caused it, for example {@code submit}, {@code dispatch}, {@code cancel}
   * @param message a sentence for a person
   * @param attempt the number of the task's latest attempt, 0 before the first
   * @param pendingReason why a queued task waits, null when it is not queued or not yet decided
   */
  record TaskStateChanged(
      long taskId,
      String repo,
      String from,
      String to,
      String trigger,
      String message,
      int attempt,
      String pendingReason)
      implements EventData {
    public TaskStateChanged {
      Objects.requireNonNull(repo, "repo");
      Objects.requireNonNull(to, "to");
      Objects.requireNonNull(trigger, "trigger");
      Objects.requireNonNull(message, "message");
    }

    @Override
    public EventType type() {
      return EventType.TASK_STATE;
    }
  }

  /**
   * Why a queued task waits changed (on {@code task/<id>} and {@code tasks}).
   *
   * @param taskId the task
   * @param repo its repo
   * @param pendingReason for example {@code global limit 5/5}; null once it no longer waits
   */
  record TaskPending(long taskId, String repo, String pendingReason) implements EventData {
    public TaskPending {
      Objects.requireNonNull(repo, "repo");
    }

    @Override
    public EventType type() {
      return EventType.TASK_PENDING;
    }
  }

  /**
   * An attempt began provisioning (on {@code task/<id>}).
   *
   * @param taskId the task
   * @param attempt its number
   * @param agent the agent
   * @param branch the branch it works on
   */
  record AttemptStarted(long taskId, int attempt, String agent, String branch)
      implements EventData {
    public AttemptStarted {
      Objects.requireNonNull(agent, "agent");
      Objects.requireNonNull(branch, "branch");
    }

    @Override
    public EventType type() {
      return EventType.ATTEMPT_STARTED;
    }
  }

  /**
   * An attempt ended (on {@code task/<id>}).
   *
   * @param taskId the task
   * @param attempt its number
   * @param outcome succeeded, failed, cancelled, interrupted or timed_out
   * @param exitCode the agent's exit code, null when it did not exit by itself
   * @param reason why it ended, null when there is nothing to say
   * @param diffstat what its commit changed, null without a commit
   */
  record AttemptFinished(
      long taskId, int attempt, String outcome, Integer exitCode, String reason, Diffstat diffstat)
      implements EventData {
    public AttemptFinished {
      Objects.requireNonNull(outcome, "outcome");
    }

    @Override
    public EventType type() {
      return EventType.ATTEMPT_FINISHED;
    }
  }

  /**
   * What an attempt's commit changed.
   *
   * @param files files changed
   * @param insertions lines added
   * @param deletions lines removed
   */
  record Diffstat(int files, int insertions, int deletions) {}

  /**
   * A worker health event (on {@code system}), also stored in {@code worker_health_events}.
   *
   * @param kind crashed, oom_killed, restarted, healthy, orphan_cleaned or stuck_provisioning
   * @param worker the worker, for example {@code local/acme}
   * @param repo its repo
   * @param taskId the task concerned, null when none
   * @param message a sentence for a person
   */
  record WorkerHealth(String kind, String worker, String repo, Long taskId, String message)
      implements EventData {
    public WorkerHealth {
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(worker, "worker");
      Objects.requireNonNull(repo, "repo");
      Objects.requireNonNull(message, "message");
    }

    @Override
    public EventType type() {
      return EventType.WORKER_HEALTH;
    }
  }
}
