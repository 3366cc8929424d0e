package dev.capstan.cli.gc;

import com.fasterxml.jackson.databind.JsonNode;
import dev.capstan.cli.ApiJson;
import dev.capstan.cli.CapstanCommand;
import dev.capstan.cli.Output;
import dev.capstan.cli.Table;
import dev.capstan.cli.client.DaemonApi;
import java.io.PrintStream;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code capstan gc}: remove old worktrees. */
@Command(
    name = "gc",
    mixinStandardHelpOptions = true,
    description = {
      "Remove the worktrees of finished tasks older than the worktree retention, and report the"
          + " disk used. Task branches are kept.",
      "--dry-run shows what would be removed."
    })
public final class GcCommand implements Runnable {
  @ParentCommand CapstanCommand root;

  @Option(names = "--dry-run", description = "Only show what would be removed.")
  boolean dryRun;

  @Option(names = "--json", description = "Print the API's JSON.")
  boolean json;

  @Override
  public void run() {
    JsonNode result = DaemonApi.of(root.context()).post("/api/gc", Map.of("dryRun", dryRun));
    PrintStream out = root.context().out();
    if (json) {
      Output.json(out, result);
      return;
    }
    Table removed = new Table("TASK", "SIZE", "PATH");
    for (JsonNode worktree : result.path("removed")) {
      removed.row(
          ApiJson.text(worktree, "taskId"),
          ApiJson.bytes(worktree.path("bytes").asLong()),
          ApiJson.text(worktree, "path"));
    }
    if (!removed.isEmpty()) {
      removed.print(out);
    }
    long freed = result.path("bytesFreed").asLong();
    out.println(
        (dryRun ? "Would remove " : "Removed ")
            + result.path("removed").size()
            + " worktree(s), "
            + (dryRun ? "freeing " : "freed ")
            + ApiJson.bytes(freed)
            + ". Disk used by worktrees: "
            + ApiJson.bytes(result.path("diskUsedBytes").asLong())
            + ".");
  }
}
