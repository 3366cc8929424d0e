package dev.capstan.cli.limits;

import com.fasterxml.jackson.databind.JsonNode;
import dev.capstan.cli.CapstanCommand;
import dev.capstan.cli.Output;
import dev.capstan.cli.client.DaemonApi;
import java.io.PrintStream;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code capstan limits}: the global concurrency limit. */
@Command(
    name = "limits",
    mixinStandardHelpOptions = true,
    description = {
      "Show the global limit on tasks provisioning or running at once, and how many are.",
      "Per-repo limits: `capstan repo set NAME --max-concurrent N`."
    })
public final class LimitsCommand implements Runnable {
  @ParentCommand CapstanCommand root;

  @Option(names = "--json", description = "Print the API's JSON.")
  boolean json;

  @Override
  public void run() {
    print(root.context().out(), DaemonApi.of(root.context()).get("/api/limits"), json);
  }

  static void print(PrintStream out, JsonNode limits, boolean json) {
    if (json) {
      Output.json(out, limits);
      return;
    }
    out.println("max concurrent:  " + limits.path("maxConcurrent").asText());
    out.println("active:          " + limits.path("active").asText());
  }

  /** {@code capstan limits set}. */
  @Command(
      name = "set",
      mixinStandardHelpOptions = true,
      description = {
        "Change the global limit. Takes effect at once (queued tasks start if there is room),"
            + " and is kept across restarts, overriding CAPSTAN_MAX_CONCURRENT until changed"
            + " again."
      })
  public static final class Set implements Runnable {
    @ParentCommand LimitsCommand parent;
    @Spec CommandSpec spec;

    @Option(
        names = "--max-concurrent",
        required = true,
        paramLabel = "N",
        description = "Tasks that may provision or run at once, across all repos.")
    int maxConcurrent;

    @Option(names = "--json", description = "Print the API's JSON.")
    boolean json;

    @Override
    public void run() {
      if (maxConcurrent < 1) {
        throw new CommandLine.ParameterException(
            spec.commandLine(), "--max-concurrent must be at least 1, was " + maxConcurrent);
      }
      JsonNode limits =
          DaemonApi.of(parent.root.context())
              .put("/api/limits", Map.of("maxConcurrent", maxConcurrent));
      print(parent.root.context().out(), limits, json);
    }
  }
}
