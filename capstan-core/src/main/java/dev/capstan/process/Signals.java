package dev.capstan.process;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Sends the signals that {@link ProcessHandle} cannot, through the system {@code kill} command.
 *
 * <p>Thread-safe (stateless).
 */
public final class Signals {
  private static final Duration KILL_COMMAND_TIMEOUT = Duration.ofSeconds(5);

  private Signals() {}

  /**
   * Resumes a stopped process ({@code SIGCONT}) so that it can act on a pending {@code SIGTERM}.
   * Only call after checking the identity of the process.
   *
   * @return whether the signal was delivered
   */
  public static boolean resume(ProcessIdentity process) {
    if (!process.isAlive()) {
      return false;
    }
    try {
      Process kill =
          new ProcessBuilder("kill", "-CONT", Long.toString(process.pid()))
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      if (!kill.waitFor(KILL_COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        kill.destroyForcibly();
        return false;
      }
      return kill.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
