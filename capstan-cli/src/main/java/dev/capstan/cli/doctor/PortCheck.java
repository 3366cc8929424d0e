package dev.capstan.cli.doctor;

import dev.capstan.config.CapstanSettings;
import dev.capstan.config.PortRange;
import dev.capstan.manifest.DaemonManifest;
import java.util.Optional;
import java.util.function.IntFunction;

/**
 * The configured port and fallback range: is the preferred port taken by another program, and is
 * the whole range exhausted (a daemon could not start)?
 *
 * <p>Thread-safe (stateless).
 */
final class PortCheck {
  private PortCheck() {}

  /**
   * @param daemon settings with the port and range
   * @param running the verified daemon, if one runs
   * @param use who uses a port
   */
  static Check check(
      CapstanSettings.DaemonSettings daemon,
      Optional<DaemonManifest> running,
      IntFunction<Listeners.PortUse> use) {
    int preferred = daemon.port();
    PortRange range = daemon.portRange();
    if (preferred == 0) {
      return Check.ok("port", "port 0: the daemon takes any free port");
    }
    if (running.isPresent() && running.get().port() == preferred) {
      return Check.ok("port", "port " + preferred + " is the daemon's");
    }
    Listeners.PortUse preferredUse = use.apply(preferred);
    String fix =
        "stop the other program, or choose another port: CAPSTAN_PORT / daemon.port in"
            + " config.toml";
    if (running.isPresent()) {
      if (!preferredUse.taken()) {
        return Check.ok(
            "port",
            "the daemon runs on port "
                + running.get().port()
                + "; preferred port "
                + preferred
                + " is free again (a restart returns to it)");
      }
      return Check.warn(
          "port",
          "preferred port "
              + preferred
              + " is taken by "
              + who(preferredUse)
              + "; the daemon runs on fallback port "
              + running.get().port(),
          fix);
    }
    if (!preferredUse.taken()) {
      return Check.ok("port", "port " + preferred + " is free");
    }
    long free = range.ports().filter(port -> port != preferred && !use.apply(port).taken()).count();
    if (free == 0) {
      return Check.fail(
          "port",
          "port "
              + preferred
              + " is taken by "
              + who(preferredUse)
              + " and every port of the fallback range "
              + range
              + " is taken too: a daemon cannot start",
          "free a port, or set CAPSTAN_PORT_RANGE / daemon.portRange to a free range");
    }
    return Check.warn(
        "port",
        "port "
            + preferred
            + " is taken by "
            + who(preferredUse)
            + "; the daemon would fall back into "
            + range
            + " ("
            + free
            + " free)",
        fix);
  }

  private static String who(Listeners.PortUse use) {
    return use.owner().map(Listeners.Owner::describe).orElse("another program (owner not visible)");
  }
}
