package dev.capstan.app;

import dev.capstan.cli.CapstanCommand;
import dev.capstan.cli.CliContext;
import dev.capstan.cli.LaunchSpec;
import dev.capstan.daemon.Daemon;
import dev.capstan.daemon.DaemonOptions;
import dev.capstan.time.Clocks;
import java.util.List;

/** The one entry point of the Capstan jar: the {@code capstan} command. */
public final class Main {
  private Main() {}

  /** JVM options for a daemon this CLI spawns; the launcher passes its startup cache here. */
  static final String DAEMON_JVM_OPTIONS = "capstan.daemon.jvmOptions";

  public static void main(String[] args) {
    CliContext context =
        new CliContext(
            System.getenv(),
            System.getProperty("user.home"),
            System.out,
            System.err,
            Clocks.system(),
            (home, settings) ->
                Daemon.run(
                    new DaemonOptions(home, settings, Clocks.system(), System.out, System.err)),
            LaunchSpec.ofCurrentJvm(Main.class.getName(), daemonJvmOptions()));
    int exitCode = CapstanCommand.execute(context, args);
    System.out.flush();
    System.err.flush();
    // why: Jetty and the HTTP client leave non-daemon threads that would delay exit by seconds.
    System.exit(exitCode);
  }

  private static List<String> daemonJvmOptions() {
    String options = System.getProperty(DAEMON_JVM_OPTIONS, "").trim();
    return options.isEmpty() ? List.of() : List.of(options.split("\\s+"));
  }
}
