package dev.capstan.cli.config;

import dev.capstan.cli.CapstanCommand;
import dev.capstan.cli.CliContext;
import dev.capstan.cli.Output;
import dev.capstan.cli.SettingsLoader;
import dev.capstan.config.ResolvedSettings;
import dev.capstan.home.CapstanHome;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code capstan config}: the effective configuration. */
@Command(
    name = "config",
    mixinStandardHelpOptions = true,
    description = "Show the effective configuration.")
public final class ConfigCommand {
  @ParentCommand CapstanCommand root;

  /** {@code capstan config show}. */
  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      description = {
        "Print every effective setting and where it came from.",
        "Precedence: flags > CAPSTAN_* environment > config.toml > defaults."
      })
  public static final class Show implements Runnable {
    @ParentCommand ConfigCommand parent;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Override
    public void run() {
      CliContext context = parent.root.context();
      CapstanHome home = context.home();
      ResolvedSettings resolved = SettingsLoader.load(context, Map.of());
      String homeSource = context.env().containsKey(CapstanHome.ENV) ? "env" : "default";
      if (json) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("home", Map.of("value", home.root().toString(), "source", homeSource));
        body.put("configFile", home.configFile().toString());
        List<Map<String, String>> values = new ArrayList<>();
        for (ResolvedSettings.Value value : resolved.values()) {
          Map<String, String> row = new LinkedHashMap<>();
          row.put("key", value.key());
          row.put("env", value.env());
          row.put("value", value.value());
          row.put("source", value.source().label());
          row.put("description", value.description());
          values.add(row);
        }
        body.put("settings", values);
        Output.json(context.out(), body);
        return;
      }
      context.out().printf("home         %s  (%s %s)%n", home.root(), homeSource, CapstanHome.ENV);
      context.out().printf("config file  %s%n%n", home.configFile());
      int keyWidth = width(resolved, true);
      int valueWidth = width(resolved, false);
      context
          .out()
          .printf(
              "%-" + keyWidth + "s  %-" + valueWidth + "s  %-11s  %s%n",
              "KEY",
              "VALUE",
              "SOURCE",
              "ENV");
      for (ResolvedSettings.Value value : resolved.values()) {
        context
            .out()
            .printf(
                "%-" + keyWidth + "s  %-" + valueWidth + "s  %-11s  %s%n",
                value.key(),
                value.value(),
                value.source().label(),
                value.env());
      }
    }

    private static int width(ResolvedSettings resolved, boolean key) {
      int width = key ? 3 : 5;
      for (ResolvedSettings.Value value : resolved.values()) {
        width = Math.max(width, (key ? value.key() : value.value()).length());
      }
      return width;
    }
  }
}
