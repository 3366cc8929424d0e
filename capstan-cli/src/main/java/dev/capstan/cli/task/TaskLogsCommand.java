package dev.capstan.cli.task;

import com.fasterxml.jackson.databind.JsonNode;
import dev.capstan.cli.CliContext;
import dev.capstan.cli.CliException;
import dev.capstan.cli.client.Connection;
import dev.capstan.cli.client.DaemonApi;
import dev.capstan.cli.events.EventFollower;
import dev.capstan.error.ErrorCode;
import dev.capstan.error.ExitCode;
import dev.capstan.event.StreamName;
import java.io.PrintStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code capstan task logs}: a task's output, printed or followed live. */
@Command(
    name = "logs",
    mixinStandardHelpOptions = true,
    description = {
      "Print a task's output (every attempt, oldest first).",
      "With -f, keep printing it live until the task completes, fails or is cancelled; the exit"
          + " status then says which (0 completed, 9 failed, 10 cancelled). Following survives"
          + " dropped connections and daemon restarts: it resumes after the last output printed,"
          + " so no text is lost or printed twice."
    })
public final class TaskLogsCommand implements Runnable {
  private static final int PAGE = 1_000;
  private static final String OUTPUT = "task.output";
  private static final String STATE = "task.state";
  private static final String ATTEMPT_STARTED = "attempt.started";

  @ParentCommand TaskCommand parent;

  @Parameters(index = "0", paramLabel = "ID", description = "The task's id.")
  String id;

  @Option(
      names = {"-f", "--follow"},
      description = "Follow live until the task settles (Ctrl-C to stop).")
  boolean follow;

  @Option(names = "--json", description = "Print each output event as one line of JSON.")
  boolean json;

  @Override
  public void run() {
    CliContext context = parent.context();
    long taskId = TaskIds.parse(id);
    DaemonApi api = DaemonApi.of(context);
    // why: an unknown task is a clear "not found" rather than an empty stream.
    api.get("/api/tasks/" + taskId);
    StreamName stream = StreamName.task(taskId);
    Printer printer = new Printer(context.out(), context.err(), json);
    if (!follow) {
      drain(api, stream, 0, printer);
      return;
    }
    Follow handler = new Follow(api, stream, printer, taskId);
    new EventFollower(context, api.connector(), stream, handler).follow(0);
    if (Thread.currentThread().isInterrupted() || handler.finalState == null) {
      return;
    }
    exitFor(taskId, handler.finalState);
  }

  private static void exitFor(long taskId, String state) {
    switch (state) {
      case "completed" -> {}
      case "cancelled" ->
          throw new CliException(
              ExitCode.TASK_CANCELLED,
              ErrorCode.CONFLICT,
              "Task " + taskId + " was cancelled.",
              "`capstan task show "
                  + taskId
                  + "` shows why; `capstan task retry "
                  + taskId
                  + "` runs it again.");
      default ->
          throw new CliException(
              ExitCode.TASK_FAILED,
              ErrorCode.CONFLICT,
              "Task " + taskId + " ended " + state + ".",
              "`capstan task show "
                  + taskId
                  + "` shows the reason; `capstan task retry "
                  + taskId
                  + "` or `capstan task restart "
                  + taskId
                  + "` runs it again.");
    }
  }

  /** Prints every stored event after {@code after}; returns the last seq seen. */
  private static long drain(DaemonApi api, StreamName stream, long after, Printer printer) {
    long cursor = after;
    while (true) {
      JsonNode page =
          api.get(
              "/api/events?stream="
                  + DaemonApi.encode(stream.value())
                  + "&afterSeq="
                  + cursor
                  + "&limit="
                  + PAGE);
      JsonNode events = page.path("events");
      for (JsonNode event : events) {
        printer.print(event);
        cursor = Math.max(cursor, event.path("seq").asLong());
      }
      if (events.size() < PAGE) {
        return cursor;
      }
    }
  }

  /**
   * Follows the task's stream, and stops once the task has settled and everything stored before
   * that was printed. Confined to the follower's thread.
   */
  private static final class Follow implements EventFollower.Handler {
    private final DaemonApi api;
    private final StreamName stream;
    private final Printer printer;
    private final long taskId;
    private long printed;
    private String finalState;

    Follow(DaemonApi api, StreamName stream, Printer printer, long taskId) {
      this.api = api;
      this.stream = stream;
      this.printer = printer;
      this.taskId = taskId;
    }

    @Override
    public boolean subscribed(Connection connection, long lastSeq) {
      // why: the task may have settled while no connection was up; its state event is then in
      // the replay, but checking now ends a follow of an old task at once.
      return !settledAndDrained();
    }

    @Override
    public boolean event(JsonNode event) {
      printed = Math.max(printed, event.path("seq").asLong());
      printer.print(event);
      if (STATE.equals(event.path("type").asText())) {
        return !settledAndDrained();
      }
      return true;
    }

    private boolean settledAndDrained() {
      String state = api.get("/api/tasks/" + taskId).path("state").asText();
      if (!TaskStates.SETTLED.contains(state)) {
        return false;
      }
      // why: output stored before the settling state change may not have reached this
      // connection yet; read it from the log so the last lines are never lost.
      printed = drain(api, stream, printed, printer);
      finalState = state;
      return true;
    }
  }

  /**
   * Prints output text as it came (attempt headers go to standard error, so standard output is
   * exactly the agent's output), or every event as a JSON line. Confined to one thread.
   */
  private static final class Printer {
    private final PrintStream out;
    private final PrintStream err;
    private final boolean json;

    Printer(PrintStream out, PrintStream err, boolean json) {
      this.out = out;
      this.err = err;
      this.json = json;
    }

    void print(JsonNode event) {
      String type = event.path("type").asText();
      if (!OUTPUT.equals(type)) {
        if (json) {
          out.println(event.toString());
          out.flush();
        } else if (ATTEMPT_STARTED.equals(type)) {
          JsonNode data = event.path("data");
          out.flush();
          err.println(
              "--- attempt "
                  + data.path("attempt").asText()
                  + " ("
                  + data.path("agent").asText()
                  + " on "
                  + data.path("branch").asText()
                  + ") ---");
          err.flush();
        }
        return;
      }
      if (json) {
        out.println(event.toString());
      } else {
        out.print(event.path("data").path("text").asText());
      }
      out.flush();
    }
  }
}
