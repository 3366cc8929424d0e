package dev.capstan.event;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The name of an event stream: {@code task/<id>}, {@code session/<id>}, {@code tasks}, {@code
 * approvals} or {@code system}. Anything else is rejected.
 *
 * <p>Immutable and thread-safe.
 *
 * @param value the canonical name
 */
public record StreamName(String value) {
  /** Every task state change. */
  public static final StreamName TASKS = new StreamName("tasks");

  /** Every permission request and its resolution. */
  public static final StreamName APPROVALS = new StreamName("approvals");

  /** Daemon, LLM and worker health. */
  public static final StreamName SYSTEM = new StreamName("system");

  private static final Pattern TASK = Pattern.compile("task/[1-9][0-9]{0,18}");
  private static final Pattern SESSION = Pattern.compile("session/[A-Za-z0-9][A-Za-z0-9_-]{0,63}");

  public StreamName {
    Objects.requireNonNull(value, "value");
    if (!isValid(value)) {
      throw new InvalidStream(value);
    }
  }

  /** The stream of one task. */
  public static StreamName task(long id) {
    return new StreamName("task/" + id);
  }

  /** The stream of one session. */
  public static StreamName session(String id) {
    return new StreamName("session/" + id);
  }

  /** Parses a stream name given by a client. */
  public static StreamName parse(String text) {
    return new StreamName(text == null ? "" : text.trim());
  }

  private static boolean isValid(String value) {
    return value.equals("tasks")
        || value.equals("approvals")
        || value.equals("system")
        || TASK.matcher(value).matches()
        || SESSION.matcher(value).matches();
  }

  @Override
  public String toString() {
    return value;
  }
}
