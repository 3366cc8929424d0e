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
}
