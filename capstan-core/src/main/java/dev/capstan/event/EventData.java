package dev.capstan.event;

import com.fasterxml.jackson.annotation.JsonInclude;
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
   * A turn was submitted and waits in its session's queue.
   *
   * @param sessionId its session
   * @param turnId the turn
   * @param position its place in the session's queue
   * @param message the user's message
   */
  record TurnQueued(String sessionId, String turnId, long position, String message)
      implements EventData {
    public TurnQueued {
      Objects.requireNonNull(sessionId, "sessionId");
      Objects.requireNonNull(turnId, "turnId");
      Objects.requireNonNull(message, "message");
    }

    @Override
    public EventType type() {
      return EventType.TURN_QUEUED;
    }
  }

  /**
   * A turn started running.
   *
   * @param sessionId its session
   * @param turnId the turn
   * @param model the model it asks for (empty: the server's default)
   */
  record TurnStarted(String sessionId, String turnId, String model) implements EventData {
    public TurnStarted {
      Objects.requireNonNull(sessionId, "sessionId");
      Objects.requireNonNull(turnId, "turnId");
      Objects.requireNonNull(model, "model");
    }

    @Override
    public EventType type() {
      return EventType.TURN_STARTED;
    }
  }

  /**
   * A chunk of the assistant's answer, coalesced like task output: the deltas of a turn,
   * concatenated in seq order, are exactly the text the model streamed.
   *
   * @param turnId the turn
   * @param text the text
   */
  record TurnDelta(String turnId, String text) implements EventData {
    public TurnDelta {
      Objects.requireNonNull(turnId, "turnId");
      Objects.requireNonNull(text, "text");
    }

    @Override
    public EventType type() {
      return EventType.TURN_DELTA;
    }
  }

  /**
   * The agent started a tool call (after its policy allowed it or a person approved it).
   *
   * @param turnId the turn
   * @param toolCallId the model's id of the call
   * @param tool the tool
   * @param arguments the arguments, truncated for display
   */
  record ToolStarted(String turnId, String toolCallId, String tool, String arguments)
      implements EventData {
    public ToolStarted {
      Objects.requireNonNull(turnId, "turnId");
      Objects.requireNonNull(toolCallId, "toolCallId");
      Objects.requireNonNull(tool, "tool");
      Objects.requireNonNull(arguments, "arguments");
    }

    @Override
    public EventType type() {
      return EventType.TOOL_STARTED;
    }
  }

  /**
   * A tool call ended, ran or not.
   *
   * @param turnId the turn
   * @param toolCallId the model's id of the call
   * @param tool the tool
   * @param outcome {@code ok}, {@code error}, {@code denied} or {@code cancelled}
   * @param result what the model is told, truncated for display
   * @param durationMillis how long it ran (0 when it did not run)
   */
  record ToolFinished(
      String turnId,
      String toolCallId,
      String tool,
      String outcome,
      String result,
      long durationMillis)
      implements EventData {
    public ToolFinished {
      Objects.requireNonNull(turnId, "turnId");
      Objects.requireNonNull(toolCallId, "toolCallId");
      Objects.requireNonNull(tool, "tool");
      Objects.requireNonNull(outcome, "outcome");
      Objects.requireNonNull(result, "result");
    }

    @Override
    public EventType type() {
      return EventType.TOOL_FINISHED;
    }
  }

  /**
   * A tool call waits for a person's decision. Sent on the owner's stream and on {@code approvals}.
   *
   * @param approvalId answer it with {@code POST /api/approvals/<id>}
   * @param tool the tool
   * @param arguments the arguments, truncated
   * @param sessionId the session that asks (absent for a task)
   * @param turnId its turn
   * @param taskId the task that asks (absent for a session)
   * @param requestedAt when
   * @param expiresAt when the timeout action applies (absent: never)
   */
  // why: absent ids and times are left out of the JSON rather than sent as empty strings.
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record PermissionRequest(
      String approvalId,
      String tool,
      String arguments,
      String sessionId,
      String turnId,
      Long taskId,
      String requestedAt,
      String expiresAt)
      implements EventData {
    public PermissionRequest {
      Objects.requireNonNull(approvalId, "approvalId");
      Objects.requireNonNull(tool, "tool");
      Objects.requireNonNull(arguments, "arguments");
      Objects.requireNonNull(requestedAt, "requestedAt");
    }

    @Override
    public EventType type() {
      return EventType.PERMISSION_REQUEST;
    }
  }

  /**
   * A permission request was resolved. Sent on the owner's stream and on {@code approvals}.
   *
   * @param approvalId the approval
   * @param status {@code approved}, {@code denied}, {@code cancelled} or {@code expired}
   * @param scope for an approve: {@code once} or {@code session}
   * @param decidedBy who
   * @param reason why (may be empty)
   * @param sessionId the session that asked (absent for a task)
   * @param turnId its turn
   * @param taskId the task that asked (absent for a session)
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record PermissionResolved(
      String approvalId,
      String status,
      String scope,
      String decidedBy,
      String reason,
      String sessionId,
      String turnId,
      Long taskId)
      implements EventData {
    public PermissionResolved {
      Objects.requireNonNull(approvalId, "approvalId");
      Objects.requireNonNull(status, "status");
      Objects.requireNonNull(decidedBy, "decidedBy");
      Objects.requireNonNull(reason, "reason");
    }

    @Override
    public EventType type() {
      return EventType.PERMISSION_RESOLVED;
    }
  }

  /**
   * A turn finished with an answer.
   *
   * @param turnId the turn
   * @param promptTokens tokens sent (absent when the server did not say)
   * @param completionTokens tokens generated (absent when the server did not say)
   * @param ttftMillis time from start to the first token (absent when none came)
   * @param totalMillis time from start to end
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record TurnCompleted(
      String turnId, Long promptTokens, Long completionTokens, Long ttftMillis, long totalMillis)
      implements EventData {
    public TurnCompleted {
      Objects.requireNonNull(turnId, "turnId");
    }

    @Override
    public EventType type() {
      return EventType.TURN_COMPLETED;
    }
  }

  /**
   * A turn ended without an answer ({@code turn.error}); the stream stays open and the next turn
   * runs.
   *
   * @param turnId the turn
   * @param code {@code LLM_UNREACHABLE}, {@code NO_MODEL_LOADED}, {@code LLM_TIMEOUT}, {@code
   *     LLM_ERROR}, {@code CANCELLED}, {@code DAEMON_RESTARTED}, {@code ITERATION_LIMIT} or {@code
   *     INTERNAL}
   * @param message what happened
   */
  record TurnFailed(String turnId, String code, String message) implements EventData {
    public TurnFailed {
      Objects.requireNonNull(turnId, "turnId");
      Objects.requireNonNull(code, "code");
      Objects.requireNonNull(message, "message");
    }

    @Override
    public EventType type() {
      return EventType.TURN_ERROR;
    }
  }

  /**
   * The health of the LLM server changed (reachability, listed models, whether the configured model
   * is loaded, or the error code). Emitted on {@code system} on change only, not on every check.
   *
   * @param url the server's base URL
   * @param reachable whether it answered {@code GET /models}
   * @param models the model ids it lists
   * @param configuredModel the configured model, empty for "the first listed"
   * @param modelLoaded whether the model Capstan would use is listed
   * @param latencyMs how long the check took, when it answered
   * @param errorCode what is wrong, when something is ({@code LLM_UNREACHABLE}, {@code
   *     NO_MODEL_LOADED}, {@code LLM_TIMEOUT}, {@code LLM_ERROR})
   * @param errorMessage the message that goes with {@code errorCode}
   * @param checkedAt when the check ran
   */
  record LlmStatusChanged(
      String url,
      boolean reachable,
      java.util.List<String> models,
      java.util.Optional<String> configuredModel,
      boolean modelLoaded,
      java.util.Optional<Long> latencyMs,
      java.util.Optional<String> errorCode,
      java.util.Optional<String> errorMessage,
      java.time.Instant checkedAt)
      implements EventData {
    public LlmStatusChanged {
      Objects.requireNonNull(url, "url");
      models = java.util.List.copyOf(models);
      Objects.requireNonNull(configuredModel, "configuredModel");
      Objects.requireNonNull(latencyMs, "latencyMs");
      Objects.requireNonNull(errorCode, "errorCode");
      Objects.requireNonNull(errorMessage, "errorMessage");
      Objects.requireNonNull(checkedAt, "checkedAt");
    }

    @Override
    public EventType type() {
      return EventType.LLM_STATUS;
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
