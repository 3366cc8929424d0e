package dev.capstan.cli.session;

import com.fasterxml.jackson.databind.JsonNode;
import dev.capstan.cli.Output;
import java.io.PrintStream;

/**
 * Renders sessions, turns and turn events for a person.
 *
 * <p>Thread-safe (stateless).
 */
final class TurnPrinter {
  private TurnPrinter() {}

  /** {@code session show}: the session, then every turn with its conversation. */
  static void printHistory(PrintStream out, JsonNode history) {
    JsonNode session = history.path("session");
    out.println(
        "Session " + session.path("id").asText() + "  \"" + session.path("title").asText() + "\"");
    out.println("  workspace: " + session.path("workspace").asText());
    if (!session.path("model").isNull() && !session.path("model").isMissingNode()) {
      out.println("  model:     " + session.path("model").asText());
    }
    if (!history.path("policies").isEmpty()) {
      out.println("  policies:  " + history.path("policies"));
    }
    for (JsonNode entry : history.path("turns")) {
      JsonNode turn = entry.path("turn");
      out.println();
      StringBuilder head =
          new StringBuilder("Turn ")
              .append(turn.path("position").asLong())
              .append(" ")
              .append(turn.path("id").asText())
              .append("  ")
              .append(status(turn.path("status").asText()));
      if (turn.path("error").isObject()) {
        head.append("  ")
            .append(turn.path("error").path("code").asText())
            .append(": ")
            .append(turn.path("error").path("message").asText());
      }
      if (turn.path("usage").isObject()) {
        head.append("  tokens ")
            .append(turn.path("usage").path("promptTokens").asLong())
            .append("/")
            .append(turn.path("usage").path("completionTokens").asLong());
      }
      if (turn.path("ttftMillis").isNumber()) {
        head.append("  ttft ").append(turn.path("ttftMillis").asLong()).append(" ms");
      }
      if (turn.path("totalMillis").isNumber()) {
        head.append("  total ").append(turn.path("totalMillis").asLong()).append(" ms");
      }
      out.println(head);
      out.println("  > " + turn.path("userMessage").asText().replace("\n", "\n    "));
      for (JsonNode message : entry.path("messages")) {
        switch (message.path("role").asText()) {
          case "assistant" -> {
            for (JsonNode call : message.path("toolCalls")) {
              out.println(
                  "  [tool] " + call.path("name").asText() + " " + call.path("arguments").asText());
            }
          }
          case "tool" -> out.println("  [result] " + firstLine(message.path("content").asText()));
          default -> {}
        }
      }
      String answer = turn.path("assistantText").asText();
      if (!answer.isEmpty()) {
        out.println("  " + answer.replace("\n", "\n  "));
      }
    }
  }

  static String status(String status) {
    return switch (status) {
      case "completed" -> Output.styled("green", status);
      case "failed" -> Output.styled("red", status);
      case "cancelled" -> Output.styled("yellow", status);
      default -> status;
    };
  }

  static String firstLine(String text) {
    int newline = text.indexOf('\n');
    String line = newline < 0 ? text : text.substring(0, newline) + " …";
    return line.length() > 200 ? line.substring(0, 200) + "…" : line;
  }
}
