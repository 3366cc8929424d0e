package dev.capstan.cli.session;

import com.fasterxml.jackson.databind.JsonNode;
import dev.capstan.cli.CliContext;
import dev.capstan.cli.CliException;
import dev.capstan.cli.Output;
import dev.capstan.error.ErrorCode;
import dev.capstan.error.ExitCode;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code capstan session send}: submit a turn, for scripts. */
@Command(
    name = "send",
    mixinStandardHelpOptions = true,
    description = {
      "Submit a message as a new turn. Returns at once with the turn id, or with --wait streams"
          + " the answer and exits when the turn ends (1 when it failed or was cancelled).",
      "While waiting, permission requests are shown with the command that answers them."
    })
public final class SendCommand implements Runnable {
  @ParentCommand SessionCommand parent;

  @Parameters(index = "0", paramLabel = "SESSION", description = "The session id.")
  String id;

  @Parameters(index = "1", paramLabel = "MESSAGE", description = "What to ask.")
  String message;

  @Option(names = "--wait", description = "Wait for the turn to end, streaming its answer.")
  boolean await;

  @Option(names = "--json", description = "Print JSON (with --wait: the ended turn).")
  boolean json;

  @Override
  public void run() {
    CliContext context = parent.context();
    SessionApi api = new SessionApi(context);
    TurnWatch watch = new TurnWatch(context, api, id, json);
    long after = await ? watch.lastSeq() : 0;
    JsonNode submitted =
        api.post("/api/sessions/" + SessionApi.segment(id) + "/turns", Map.of("message", message));
    String turnId = submitted.path("turnId").asText();
    if (!await) {
      if (json) {
        Output.json(context.out(), submitted);
      } else {
        context.out().println(turnId);
      }
      return;
    }
    TurnWatch.Outcome outcome =
        watch.follow(
            turnId,
            after,
            request -> {
              context
                  .err()
                  .println(
                      "Waiting for approval "
                          + request.path("approvalId").asText()
                          + " ("
                          + request.path("tool").asText()
                          + " "
                          + request.path("arguments").asText()
                          + "): capstan approve "
                          + request.path("approvalId").asText()
                          + " | capstan deny "
                          + request.path("approvalId").asText());
              return true;
            });
    if (json) {
      for (JsonNode turn :
          api.get("/api/sessions/" + SessionApi.segment(id) + "/turns").path("turns")) {
        if (turn.path("id").asText().equals(turnId)) {
          Output.json(context.out(), turn);
        }
      }
    }
    if (outcome.errorCode().isPresent()) {
      throw new CliException(
          ExitCode.FAILURE,
          ErrorCode.CONFLICT,
          "Turn " + turnId + " ended with " + outcome.errorCode().get() + ": " + outcome.message(),
          hintFor(outcome.errorCode().get(), id));
    }
  }

  static String hintFor(String code, String sessionId) {
    return switch (code) {
      case "LLM_UNREACHABLE" ->
          "Is the LLM server running? `capstan llm status` shows what Capstan sees; then send"
              + " again.";
      case "NO_MODEL_LOADED" -> "Load a model in the LLM server (`capstan llm status`).";
      case "LLM_TIMEOUT" -> "The server is slow or stuck; check it, or raise llm.* timeouts.";
      case "CANCELLED" -> "Send a new message to go on.";
      case "DAEMON_RESTARTED" ->
          "The daemon restarted; `capstan approvals` shows requests still open, or send again.";
      default -> "`capstan session show " + sessionId + "` has the details.";
    };
  }
}
