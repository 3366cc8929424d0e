package dev.capstan.daemon;

import dev.capstan.config.ResolvedSettings;
import dev.capstan.home.CapstanHome;
import java.io.PrintStream;
import java.time.Clock;
import java.util.Objects;

/**
 * Everything {@link Daemon#run} needs from its caller.
 *
 * @param home the home to own
 * @param settings the resolved configuration
 * @param clock the wall clock
 * @param out where user-facing notices go (a detached daemon's stdout is captured to a file)
 * @param err where startup failures go
 */
public record DaemonOptions(
    CapstanHome home, ResolvedSettings settings, Clock clock, PrintStream out, PrintStream err) {
  public DaemonOptions {
    Objects.requireNonNull(home, "home");
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(out, "out");
    Objects.requireNonNull(err, "err");
  }
}
