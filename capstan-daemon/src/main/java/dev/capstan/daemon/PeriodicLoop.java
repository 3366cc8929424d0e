package dev.capstan.daemon;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a duty every {@code interval} until interrupted. Every pass catches {@link Throwable}, logs
 * it and goes on; an interrupt ends the loop.
 *
 * <p>Confined to the thread that runs it; {@link #runOnce} is for tests.
 */
final class PeriodicLoop implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(PeriodicLoop.class);

  private final String name;
  private final Duration interval;
  private final Runnable duty;

  PeriodicLoop(String name, Duration interval, Runnable duty) {
    this.name = name;
    this.interval = interval;
    this.duty = duty;
  }

  @Override
  public void run() {
    while (!Thread.currentThread().isInterrupted()) {
      try {
        Thread.sleep(interval.toMillis());
        runOnce();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** One pass of the duty. */
  void runOnce() {
    try {
      duty.run();
    } catch (Throwable e) {
      log.error("loop={} pass failed; next pass in {}", name, interval, e);
    }
  }
}
