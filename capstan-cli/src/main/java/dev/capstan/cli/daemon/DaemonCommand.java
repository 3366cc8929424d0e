package dev.capstan.cli.daemon;

import dev.capstan.cli.CapstanCommand;
import dev.capstan.cli.CliContext;
import dev.capstan.cli.CliException;
import dev.capstan.cli.Output;
import dev.capstan.cli.SettingsLoader;
import dev.capstan.cli.client.Connection;
import dev.capstan.cli.client.DaemonClient;
import dev.capstan.cli.client.DaemonConnector;
import dev.capstan.cli.client.DaemonStopper;
import dev.capstan.cli.client.GuardianDecision;
import dev.capstan.cli.client.GuardianSnapshot;
import dev.capstan.config.ResolvedSettings;
import dev.capstan.error.ErrorCode;
import dev.capstan.error.ExitCode;
import dev.capstan.manifest.DaemonIdentity;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code capstan daemon}: the daemon's lifecycle. */
@Command(
    name = "daemon",
    mixinStandardHelpOptions = true,
    description = "Run, start, stop and inspect the Capstan daemon.")
public final class DaemonCommand {
  @ParentCommand CapstanCommand root;

  CliContext context() {
    return root.context();
  }

  DaemonConnector connector(ResolvedSettings resolved, List<String> daemonArgs) {
    return new DaemonConnector(context(), resolved.settings(), daemonArgs);
  }

  static Map<String, Object> describe(Connection connection) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("state", "running");
    body.put("url", connection.url());
    connection.manifest().ifPresent(m -> body.put("pid", m.pid()));
    connection.manifest().ifPresent(m -> body.put("port", m.port()));
    body.put("started", connection.started());
    return body;
  }

  /** {@code capstan daemon run}. */
  @Command(
      name = "run",
      mixinStandardHelpOptions = true,
      description = {
        "Run the daemon in the foreground until SIGTERM, Ctrl-C or `capstan daemon stop`.",
        "This is what a service manager or a container runs."
      })
  public static final class Run implements Callable<Integer> {
    @ParentCommand DaemonCommand parent;
    @Mixin DaemonFlags flags;

    @Override
    public Integer call() {
      CliContext context = parent.context();
      ResolvedSettings resolved = SettingsLoader.load(context, flags.asSettings());
      return context.foreground().run(context.home(), resolved).code();
    }
  }

  /** {@code capstan daemon start}. */
  @Command(
      name = "start",
      mixinStandardHelpOptions = true,
      description = {
        "Start the daemon in the background and return once it is healthy.",
        "Does nothing if it is already running."
      })
  public static final class Start implements Runnable {
    @ParentCommand DaemonCommand parent;
    @Mixin DaemonFlags flags;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Override
    public void run() {
      CliContext context = parent.context();
      ResolvedSettings resolved = SettingsLoader.load(context, flags.asSettings());
      DaemonConnector connector = parent.connector(resolved, flags.asArgs());
      Connection connection = connector.connect(false);
      if (json) {
        Output.json(context.out(), describe(connection));
      } else if (connection.started()) {
        context.out().println("Capstan daemon started at " + connection.url() + pid(connection));
      } else {
        context
            .out()
            .println("Capstan daemon already running at " + connection.url() + pid(connection));
      }
    }
  }

  /** {@code capstan daemon stop}. */
  @Command(
      name = "stop",
      mixinStandardHelpOptions = true,
      description = {
        "Stop the daemon: the shutdown route first, then SIGTERM, then SIGKILL after a deadline,",
        "always after checking the pid is still that daemon. Does nothing if it is not running."
      })
  public static final class Stop implements Runnable {
    @ParentCommand DaemonCommand parent;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Override
    public void run() {
      CliContext context = parent.context();
      ResolvedSettings resolved = SettingsLoader.load(context, Map.of());
      DaemonConnector connector = parent.connector(resolved, List.of());
      if (connector.remote()) {
        connector.call(
            connection -> {
              try (DaemonClient client = connection.client()) {
                return client.postJson(
                    "/api/daemon/shutdown", Map.of("reason", "capstan daemon stop"), Map.class);
              }
            });
        print(context, json, "stopping", 0, "Asked the remote daemon to stop.");
        return;
      }
      DaemonStopper.Result result =
          new DaemonStopper(connector, resolved.settings().daemon().shutdownTimeout()).stop();
      print(
          context,
          json,
          result.outcome().name().toLowerCase(java.util.Locale.ROOT),
          result.pid(),
          message(result));
    }

    static String message(DaemonStopper.Result result) {
      return switch (result.outcome()) {
        case NOT_RUNNING -> "Capstan daemon is not running.";
        case REMOVED_STALE -> "Capstan daemon is not running (removed a stale manifest).";
        case STOPPED -> "Capstan daemon stopped (pid " + result.pid() + ").";
        case TERMINATED ->
            "Capstan daemon (pid "
                + result.pid()
                + ") did not stop on request; stopped it with SIGTERM.";
        case KILLED ->
            "Capstan daemon (pid " + result.pid() + ") ignored SIGTERM; killed it with SIGKILL.";
      };
    }

    static void print(CliContext context, boolean json, String outcome, long pid, String message) {
      if (json) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("outcome", outcome);
        body.put("pid", pid);
        Output.json(context.out(), body);
      } else {
        context.out().println(message);
      }
    }
  }

  /** {@code capstan daemon status}. */
  @Command(
      name = "status",
      mixinStandardHelpOptions = true,
      description = {
        "Show whether the daemon runs, where, and since when.",
        "A daemon that crashed is restarted (with a note on stderr); one that hangs is reported."
      })
  public static final class Status implements Runnable {
    @ParentCommand DaemonCommand parent;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Override
    public void run() {
      show(parent.context(), json);
    }

    /**
     * Prints the status; what {@code capstan daemon status [--json]} runs.
     *
     * @throws CliException with the exit code when the daemon does not run or does not answer
     */
    public static void show(CliContext context, boolean json) {
      ResolvedSettings resolved = SettingsLoader.load(context, Map.of());
      DaemonConnector connector = new DaemonConnector(context, resolved.settings(), List.of());
      Optional<GuardianSnapshot> snapshot =
          connector.remote() ? Optional.empty() : Optional.of(connector.snapshot());
      if (snapshot.isPresent()
          && GuardianDecision.decide(snapshot.get()) instanceof GuardianDecision.StartFresh fresh
          && fresh.cleanup() == GuardianDecision.Cleanup.NONE) {
        notRunning(context, connector, json);
      }
      DaemonIdentity identity;
      try {
        // why: the guardian already fetched the identity to verify the daemon; reuse it.
        identity =
            connector.call(
                snapshot,
                connection -> {
                  if (connection.identity().isPresent()) {
                    return connection.identity().get();
                  }
                  try (DaemonClient client = connection.client()) {
                    return client.getJson("/api/daemon", DaemonIdentity.class);
                  }
                });
      } catch (CliException e) {
        if (json && e.exitCode() == ExitCode.UNRESPONSIVE) {
          Map<String, Object> body = new LinkedHashMap<>();
          body.put("state", "unresponsive");
          body.put("message", e.getMessage());
          Output.json(context.out(), body);
        }
        throw e;
      }
      if (json) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("state", "running");
        body.put("url", identity.url());
        body.put("pid", identity.pid());
        body.put("port", identity.port());
        body.put("host", identity.host());
        body.put("instanceId", identity.instanceId());
        body.put("version", identity.capstanVersion());
        body.put("startedAt", identity.startedAt().toString());
        body.put("uptimeSeconds", identity.uptimeSeconds());
        body.put("home", identity.home());
        body.put("logPath", identity.logPath());
        Output.json(context.out(), body);
        return;
      }
      context.out().println("Capstan daemon " + Output.styled("green", "running"));
      context.out().println("  url      " + identity.url());
      context.out().println("  pid      " + identity.pid());
      context.out().println("  version  " + identity.capstanVersion());
      context.out().println("  uptime   " + uptime(identity.uptimeSeconds()));
      context.out().println("  home     " + identity.home());
      context.out().println("  log      " + identity.logPath());
    }

    private static void notRunning(CliContext context, DaemonConnector connector, boolean json) {
      if (json) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("state", "stopped");
        body.put("home", connector.home().root().toString());
        Output.json(context.out(), body);
      }
      throw new CliException(
          ExitCode.NOT_RUNNING,
          ErrorCode.SERVICE_UNAVAILABLE,
          "Capstan daemon is not running (home " + connector.home().root() + ").",
          "Start it with `capstan daemon start`; any command that needs it starts it too.");
    }

    private static String uptime(long seconds) {
      long hours = seconds / 3600;
      long minutes = (seconds % 3600) / 60;
      long rest = seconds % 60;
      return hours > 0
          ? hours + "h " + minutes + "m " + rest + "s"
          : minutes > 0 ? minutes + "m " + rest + "s" : rest + "s";
    }
  }

  /** {@code capstan daemon restart}. */
  @Command(
      name = "restart",
      mixinStandardHelpOptions = true,
      description = {
        "Stop the daemon (even a hung one, after checking its pid and start time) and start a new"
            + " one."
      })
  public static final class Restart implements Runnable {
    @ParentCommand DaemonCommand parent;
    @Mixin DaemonFlags flags;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Override
    public void run() {
      CliContext context = parent.context();
      ResolvedSettings resolved = SettingsLoader.load(context, flags.asSettings());
      DaemonConnector connector = parent.connector(resolved, flags.asArgs());
      DaemonStopper.Result stopped =
          new DaemonStopper(connector, resolved.settings().daemon().shutdownTimeout()).stop();
      if (!json) {
        context.out().println(Stop.message(stopped));
      }
      Connection connection = connector.connect(false);
      if (json) {
        Map<String, Object> body = describe(connection);
        body.put("stopped", stopped.outcome().name().toLowerCase(java.util.Locale.ROOT));
        body.put("stoppedPid", stopped.pid());
        Output.json(context.out(), body);
      } else {
        context.out().println("Capstan daemon started at " + connection.url() + pid(connection));
      }
    }
  }

  static String pid(Connection connection) {
    return connection.manifest().map(m -> " (pid " + m.pid() + ")").orElse("");
  }
}
