package dev.capstan.cli.daemon;

import dev.capstan.config.CapstanSettings;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The daemon's listener flags, shared by {@code run}, {@code start}, {@code restart}, {@code
 * reset}.
 */
public final class DaemonFlags {
  @Option(
      names = "--host",
      paramLabel = "ADDRESS",
      description = "Address to bind (default 127.0.0.1; anything else warns).")
  String host;

  @Option(
      names = "--port",
      paramLabel = "PORT",
      description = "Preferred port (default 7423; 0 = any free port).")
  String port;

  @Option(
      names = "--port-range",
      paramLabel = "FIRST-LAST",
      description =
          "Fallback ports tried in order when the preferred one is taken (default 7424-7443).")
  String portRange;

  /** The flags as a settings map keyed by dotted key. */
  Map<String, String> asSettings() {
    Map<String, String> flags = new LinkedHashMap<>();
    if (host != null) {
      flags.put(CapstanSettings.HOST.key(), host);
    }
    if (port != null) {
      flags.put(CapstanSettings.PORT.key(), port);
    }
    if (portRange != null) {
      flags.put(CapstanSettings.PORT_RANGE.key(), portRange);
    }
    return flags;
  }

  /** The flags as arguments for a spawned {@code daemon run}. */
  List<String> asArgs() {
    List<String> args = new ArrayList<>();
    if (host != null) {
      args.add("--host=" + host);
    }
    if (port != null) {
      args.add("--port=" + port);
    }
    if (portRange != null) {
      args.add("--port-range=" + portRange);
    }
    return args;
  }
}
