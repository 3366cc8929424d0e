package dev.capstan.event;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The closed set of event types, with their wire name, their retention kind and the record that
 * carries their data. {@code docs/events.md} documents each one; a new type is added here, in
 * {@link EventData}, and in that document, in the same change.
 */
public enum EventType {
  DAEMON_STARTED("daemon.started", EventKind.HEALTH, EventData.DaemonStarted.class),
  DAEMON_STOPPING("daemon.stopping", EventKind.HEALTH, EventData.DaemonStopping.class),
  TASK_OUTPUT("task.output", EventKind.OUTPUT, EventData.OutputChunk.class),
  TURN_QUEUED("turn.queued", EventKind.STATE, EventData.TurnQueued.class),
  TURN_STARTED("turn.started", EventKind.STATE, EventData.TurnStarted.class),
  TURN_DELTA("turn.delta", EventKind.OUTPUT, EventData.TurnDelta.class),
  TOOL_STARTED("tool.started", EventKind.STATE, EventData.ToolStarted.class),
  TOOL_FINISHED("tool.finished", EventKind.STATE, EventData.ToolFinished.class),
  PERMISSION_REQUEST("permission.request", EventKind.APPROVAL, EventData.PermissionRequest.class),
  PERMISSION_RESOLVED(
      "permission.resolved", EventKind.APPROVAL, EventData.PermissionResolved.class),
  TURN_COMPLETED("turn.completed", EventKind.STATE, EventData.TurnCompleted.class),
  TURN_ERROR("turn.error", EventKind.STATE, EventData.TurnFailed.class),
  LLM_STATUS("llm.status", EventKind.HEALTH, EventData.LlmStatusChanged.class),
  TASK_STATE("task.state", EventKind.STATE, EventData.TaskStateChanged.class),
  TASK_PENDING("task.pending", EventKind.STATE, EventData.TaskPending.class),
  ATTEMPT_STARTED("attempt.started", EventKind.STATE, EventData.AttemptStarted.class),
  ATTEMPT_FINISHED("attempt.finished", EventKind.STATE, EventData.AttemptFinished.class),
  WORKER_HEALTH("worker.health", EventKind.HEALTH, EventData.WorkerHealth.class);

  private static final Map<String, EventType> BY_WIRE_NAME =
      Arrays.stream(values())
          .collect(Collectors.toUnmodifiableMap(EventType::wireName, Function.identity()));

  private final String wireName;
  private final EventKind kind;
  private final Class<? extends EventData> dataClass;

  EventType(String wireName, EventKind kind, Class<? extends EventData> dataClass) {
    this.wireName = wireName;
    this.kind = kind;
    this.dataClass = dataClass;
  }

  /** The name in the envelope's {@code type} field, for example {@code task.output}. */
  public String wireName() {
    return wireName;
  }

  /** Its retention kind. */
  public EventKind kind() {
    return kind;
  }

  /** The record its {@code data} decodes to. */
  public Class<? extends EventData> dataClass() {
    return dataClass;
  }

  /** The type with this wire name, if any. */
  public static Optional<EventType> fromWireName(String wireName) {
    return Optional.ofNullable(BY_WIRE_NAME.get(wireName));
  }
}
