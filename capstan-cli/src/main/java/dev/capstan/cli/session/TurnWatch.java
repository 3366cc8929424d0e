package dev.capstan.cli.session;

import com.fasterxml.jackson.databind.JsonNode;
import dev.capstan.cli.CliContext;
import dev.capstan.cli.events.EventFollower;
import dev.capstan.event.StreamName;
import java.io.PrintStream;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Follows one turn on its session stream over the WebSocket until it ends: prints the answer as it
 * streams, tool calls as they run, and hands permission requests to the caller. Resumes after the
 * last event seen when the connection drops or the daemon restarts.
 *
 * <p>Confined to the command's thread.
 */
final class TurnWatch {
  private final CliContext context;
  private final SessionApi api;
  private final String sessionId;
  private final boolean quiet;

  /**
   * How following ended: {@code ended} when the turn ended (then {@code errorCode} is empty for
   * completed, else the error code and message), false when the caller stopped following.
   */
  record Outcome(Optional<String> errorCode, String message, long lastSeq, boolean ended) {}

  TurnWatch(CliContext context, SessionApi api, String sessionId, boolean quiet) {
    this.context = context;
    this.api = api;
    this.sessionId = sessionId;
    this.quiet = quiet;
  }

  /** The session stream's last seq now, to follow from. */
  long lastSeq() {
    return api.get(
            "/api/events?stream="
                + SessionApi.segment("session/" + sessionId)
                + "&afterSeq=0&limit=1")
        .path("lastSeq")
        .asLong();
  }

  /**
   * Follows {@code turnId} from {@code after} until it ends, or until {@code onPermission} answers
   * false (stop following).
   */
  Outcome follow(String turnId, long after, Predicate<JsonNode> onPermission) {
    PrintStream out = context.out();
    String[] code = {null};
    String[] message = {""};
    boolean[] midLine = {false};
    boolean[] ended = {false};
    long last =
        new EventFollower(
                context,
                api.connector(),
                StreamName.session(sessionId),
                event -> {
                  JsonNode data = event.path("data");
                  if (!data.path("turnId").asText().equals(turnId)) {
                    return true;
                  }
                  switch (event.path("type").asText()) {
                    case "turn.delta" -> {
                      if (!quiet) {
                        String text = data.path("text").asText();
                        out.print(text);
                        out.flush();
                        midLine[0] = !text.endsWith("\n");
                      }
                    }
                    case "tool.started" -> {
                      if (!quiet) {
                        endLine(out, midLine);
                        context
                            .err()
                            .println(
                                "[tool] "
                                    + data.path("tool").asText()
                                    + " "
                                    + data.path("arguments").asText());
                      }
                    }
                    case "tool.finished" -> {
                      if (!quiet) {
                        context
                            .err()
                            .println(
                                "[tool] "
                                    + data.path("tool").asText()
                                    + " "
                                    + data.path("outcome").asText()
                                    + ": "
                                    + TurnPrinter.firstLine(data.path("result").asText()));
                      }
                    }
                    case "permission.request" -> {
                      endLine(out, midLine);
                      return onPermission.test(data);
                    }
                    case "turn.completed" -> {
                      endLine(out, midLine);
                      ended[0] = true;
                      return false;
                    }
                    case "turn.error" -> {
                      endLine(out, midLine);
                      code[0] = data.path("code").asText();
                      message[0] = data.path("message").asText();
                      ended[0] = true;
                      return false;
                    }
                    default -> {}
                  }
                  return true;
                })
            .follow(after);
    return new Outcome(Optional.ofNullable(code[0]), message[0], last, ended[0]);
  }

  private static void endLine(PrintStream out, boolean[] midLine) {
    if (midLine[0]) {
      out.println();
      midLine[0] = false;
    }
  }
}
