package dev.capstan.cli.tools;

import com.fasterxml.jackson.databind.JsonNode;
import dev.capstan.cli.CapstanCommand;
import dev.capstan.cli.CliContext;
import dev.capstan.cli.Output;
import dev.capstan.cli.SettingsLoader;
import dev.capstan.cli.client.DaemonClient;
import dev.capstan.cli.client.DaemonConnector;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code capstan tools}: the tools of the built-in agent. */
@Command(
    name = "tools",
    mixinStandardHelpOptions = true,
    description = "Show the tools the built-in agent may call and their policies.")
public final class ToolsCommand {
  @ParentCommand CapstanCommand root;

  /** {@code capstan tools list}. */
  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = {
        "List every tool with its risk class and effective policy (allow, ask, deny).",
        "Set a policy with tools.policy.<name> in config.toml or CAPSTAN_TOOLS_POLICY_<NAME>."
      })
  public static final class ListTools implements Runnable {
    @ParentCommand ToolsCommand parent;

    @Option(names = "--json", description = "Print JSON, with each tool's argument schema.")
    boolean json;

    @Override
    public void run() {
      CliContext context = parent.root.context();
      DaemonConnector connector =
          new DaemonConnector(
              context, SettingsLoader.load(context, Map.of()).settings(), List.of());
      JsonNode body =
          connector.call(
              connection -> {
                try (DaemonClient client = connection.client()) {
                  return client.getJson("/api/tools", JsonNode.class);
                }
              });
      if (json) {
        Output.json(context.out(), body);
        return;
      }
      context
          .out()
          .printf("%-12s  %-8s  %-6s  %-8s  %s%n", "TOOL", "RISK", "POLICY", "FROM", "DESCRIPTION");
      for (JsonNode tool : body.path("tools")) {
        String description = tool.path("description").asText();
        int end = description.indexOf(". ");
        context
            .out()
            .printf(
                "%-12s  %-8s  %-6s  %-8s  %s%n",
                tool.path("name").asText(),
                tool.path("risk").asText(),
                tool.path("policy").asText(),
                tool.path("policySource").asText(),
                end < 0 ? description : description.substring(0, end + 1));
      }
    }
  }
}
