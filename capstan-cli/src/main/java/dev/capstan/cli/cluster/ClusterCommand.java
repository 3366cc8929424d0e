package dev.capstan.cli.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import dev.capstan.cli.ApiJson;
import dev.capstan.cli.CapstanCommand;
import dev.capstan.cli.Output;
import dev.capstan.cli.Table;
import dev.capstan.cli.client.DaemonApi;
import java.io.PrintStream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code capstan cluster}: workers and their health. */
@Command(
    name = "cluster",
    mixinStandardHelpOptions = true,
    description = {
      "Show every repo's worker (slots in use, state) and the recent worker health events:"
          + " crashed, oom_killed, restarted, healthy, orphan_cleaned, stuck_provisioning.",
      "Start here when tasks wait or fail unexpectedly."
    })
public final class ClusterCommand implements Runnable {
  @ParentCommand CapstanCommand root;
  @Spec CommandSpec spec;

  @Option(
      names = "--events",
      paramLabel = "N",
      defaultValue = "20",
      description = "How many recent health events to show (default ${DEFAULT-VALUE}).")
  int events;

  @Option(names = "--json", description = "Print the API's JSON.")
  boolean json;

  @Override
  public void run() {
    if (events < 0) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--events must be >= 0");
    }
    JsonNode cluster = DaemonApi.of(root.context()).get("/api/cluster?events=" + events);
    PrintStream out = root.context().out();
    if (json) {
      Output.json(out, cluster);
      return;
    }
    out.println(
        "Tasks active: "
            + cluster.path("active").asText()
            + "/"
            + cluster.path("maxConcurrent").asText()
            + " (global limit)");
    out.println();
    Table workers = new Table("WORKER", "REPO", "SLOTS", "STATE");
    for (JsonNode worker : cluster.path("workers")) {
      workers.row(
          ApiJson.text(worker, "name"),
          ApiJson.text(worker, "repo"),
          worker.path("slotsInUse").asInt() + "/" + worker.path("maxConcurrent").asInt(),
          ApiJson.text(worker, "state"));
    }
    if (workers.isEmpty()) {
      out.println("No workers: no repos yet (`capstan repo add`).");
    } else {
      workers.print(out);
    }
    out.println();
    Table health = new Table("AT", "KIND", "WORKER", "TASK", "MESSAGE");
    for (JsonNode event : cluster.path("healthEvents")) {
      health.row(
          ApiJson.text(event, "at"),
          ApiJson.text(event, "kind"),
          ApiJson.text(event, "worker"),
          ApiJson.text(event, "taskId"),
          ApiJson.text(event, "message"));
    }
    if (health.isEmpty()) {
      out.println("No health events.");
    } else {
      out.println("Health events (newest first):");
      health.print(out);
    }
  }
}
