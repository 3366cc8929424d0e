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
}
