package dev.capstan.cli.client;

import dev.capstan.cli.CliException;
import dev.capstan.error.ErrorCode;
import dev.capstan.error.ExitCode;
import dev.capstan.time.Stopwatch;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;

/**
 * Serialises CLI cold starts on one home: whoever holds {@code startup.lock} spawns the daemon, the
 * others wait and then attach. An OS lock, so a crashed CLI never leaves it stale.
 *
 * <p>Confined to one thread.
 */
final class StartupLock implements AutoCloseable {
  private static final Duration POLL = Duration.ofMillis(25);

  private final FileChannel channel;
  private final FileLock lock;

  private StartupLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  static StartupLock acquire(Path file, Duration timeout) {
    Stopwatch waited = Stopwatch.start();
    FileChannel channel;
    try {
      channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open " + file, e);
    }
    try {
      while (true) {
        FileLock lock;
        try {
          lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
          lock = null;
        }
        if (lock != null) {
          return new StartupLock(channel, lock);
        }
        if (waited.hasElapsed(timeout)) {
          channel.close();
          throw new CliException(
              ExitCode.UNRESPONSIVE,
              ErrorCode.SERVICE_UNAVAILABLE,
              "Another capstan command has been starting the daemon for over "
                  + timeout.toSeconds()
                  + " s.",
              "Check `capstan daemon status` and `capstan daemon logs`.");
        }
        Thread.sleep(POLL.toMillis());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot lock " + file, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for " + file, e);
    }
  }

  @Override
  public void close() {
    try {
      lock.release();
      channel.close();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot release the startup lock", e);
    }
  }
}
