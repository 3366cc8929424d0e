package dev.capstan.cli;

import dev.capstan.config.ResolvedSettings;
import dev.capstan.error.ExitCode;
import dev.capstan.home.CapstanHome;

/**
 * Runs the daemon in this process until it stops. Supplied by the application entry point, so the
 * CLI module does not depend on the daemon module.
 */
@FunctionalInterface
public interface ForegroundDaemon {
  /** Runs until the daemon is asked to stop; returns the exit code. */
  ExitCode run(CapstanHome home, ResolvedSettings settings);
}
