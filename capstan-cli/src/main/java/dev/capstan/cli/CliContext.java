package dev.capstan.cli;

import dev.capstan.home.CapstanHome;
import java.io.PrintStream;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;

/**
 * What every command needs from its surroundings: the environment, the streams, the clock, and how
 * to run or spawn a daemon.
 *
 * <p>Immutable.
 *
 * @param env the environment variables
 * @param userHome the user's home directory
 * @param out standard output
 * @param err standard error
 * @param clock the wall clock
 * @param foreground runs a daemon in this process
 * @param launch how to spawn a detached daemon
 */
public record CliContext(
    Map<String, String> env,
    String userHome,
    PrintStream out,
    PrintStream err,
    Clock clock,
    ForegroundDaemon foreground,
    LaunchSpec launch) {
  /** Points the CLI at a remote daemon (never auto-started). */
  public static final String ENV_URL = "CAPSTAN_URL";

  /** The token for {@link #ENV_URL}. */
  public static final String ENV_TOKEN = "CAPSTAN_TOKEN";

  public CliContext {
    env = Map.copyOf(env);
    Objects.requireNonNull(userHome, "userHome");
    Objects.requireNonNull(out, "out");
    Objects.requireNonNull(err, "err");
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(foreground, "foreground");
    Objects.requireNonNull(launch, "launch");
  }

  /** The home directory this invocation works on. */
  public CapstanHome home() {
    return CapstanHome.resolve(env, userHome);
  }
}
