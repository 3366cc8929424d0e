package dev.capstan.cli.llm;

import com.fasterxml.jackson.databind.JsonNode;
import dev.capstan.cli.CapstanCommand;
import dev.capstan.cli.CliContext;
import dev.capstan.cli.CliException;
import dev.capstan.cli.Output;
import dev.capstan.cli.SettingsLoader;
import dev.capstan.cli.client.DaemonClient;
import dev.capstan.cli.client.DaemonConnector;
import dev.capstan.error.ErrorCode;
import dev.capstan.error.ExitCode;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code capstan llm}: the OpenAI-compatible LLM server. */
@Command(
    name = "llm",
    mixinStandardHelpOptions = true,
    description = "Check the LLM server the built-in agent talks to.")
public final class LlmCommand {
  @ParentCommand CapstanCommand root;

  /** {@code capstan llm status}. */
  @Command(
      name = "status",
      mixinStandardHelpOptions = true,
      description = {
        "Check the LLM server now: reachable? which models? the configured model loaded? latency.",
        "Exits 1 when something is wrong, and says what to do."
      })
  public static final class Status implements Runnable {
    @ParentCommand LlmCommand parent;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Override
    public void run() {
      CliContext context = parent.root.context();
      DaemonConnector connector =
          new DaemonConnector(
              context, SettingsLoader.load(context, Map.of()).settings(), List.of());
      JsonNode status =
          connector.call(
              connection -> {
                try (DaemonClient client = connection.client()) {
                  return client.getJson("/api/llm/status", JsonNode.class);
                }
              });
      boolean healthy =
          status.path("reachable").asBoolean()
              && status.path("modelLoaded").asBoolean()
              && status.path("error").isNull();
      if (json) {
        Output.json(context.out(), status);
      } else {
        print(context.out(), status);
      }
      if (!healthy) {
        JsonNode error = status.path("error");
        throw new CliException(
            ExitCode.FAILURE,
            ErrorCode.valueOf(error.path("code").asText("LLM_ERROR")),
            error.path("message").asText("The LLM server is not healthy"),
            error.path("hint").asText(""));
      }
    }

    static void print(PrintStream out, JsonNode status) {
      String url = status.path("url").asText();
      JsonNode error = status.path("error");
      if (error.isNull() || error.isMissingNode()) {
        out.println("LLM server at " + url + " is healthy.");
      }
      out.printf("url           %s%n", url);
      out.printf("reachable     %s%n", status.path("reachable").asBoolean() ? "yes" : "no");
      List<String> models = new ArrayList<>();
      status.path("models").forEach(model -> models.add(model.asText()));
      out.printf("models        %s%n", models.isEmpty() ? "(none)" : String.join(", ", models));
      JsonNode configured = status.path("configuredModel");
      out.printf(
          "model         %s%n",
          configured.isNull() || configured.isMissingNode()
              ? "(first listed)"
              : configured.asText());
      out.printf("model loaded  %s%n", status.path("modelLoaded").asBoolean() ? "yes" : "no");
      JsonNode latency = status.path("latencyMs");
      out.printf(
          "latency       %s%n",
          latency.isNull() || latency.isMissingNode() ? "-" : latency.asLong() + " ms");
      out.printf("checked at    %s%n", status.path("checkedAt").asText());
    }
  }
}
