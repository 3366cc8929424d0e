package dev.capstan.daemon;

import dev.capstan.home.CapstanHome;
import dev.capstan.manifest.ManifestFile;
import dev.capstan.process.LockProbe;
import dev.capstan.process.ProcessIdentity;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * The one hard lock: an OS file lock on {@code daemon.lock}, taken before anything else and held
 * for the daemon's life. The kernel releases it when the process dies, however it dies, so a crash
 * never leaves a stale lock. The file's content (owner pid) is only a hint for error messages.
 *
 * <p>Confined to the daemon's lifecycle thread.
 */
public final class DaemonLock implements AutoCloseable {
  private final FileChannel channel;
  private final FileLock lock;

  private DaemonLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Takes the lock or fails naming the owner.
   *
   * @throws HomeOwned when another process holds it
   */
  public static DaemonLock acquire(CapstanHome home, ProcessIdentity self) {
    FileChannel channel = null;
    try {
      channel =
          FileChannel.open(
              home.lockFile(),
              StandardOpenOption.CREATE,
              StandardOpenOption.READ,
              StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null;
      }
      if (lock == null) {
        channel.close();
        throw ownedBy(home);
      }
      channel.truncate(0);
      channel.write(
          ByteBuffer.wrap(
              ("{\"pid\":" + self.pid() + ",\"pidStartedAt\":\"" + self.startedAt() + "\"}\n")
                  .getBytes(StandardCharsets.UTF_8)),
          0);
      channel.force(true);
      return new DaemonLock(channel, lock);
    } catch (IOException e) {
      closeQuietly(channel);
      throw new UncheckedIOException("cannot lock " + home.lockFile(), e);
    }
  }

  private static HomeOwned ownedBy(CapstanHome home) {
    long pid =
        LockProbe.holderOf(home.lockFile()) instanceof LockProbe.LockState.Held held
            ? held.pid()
            : pidFromLockFile(home);
    Optional<String> url =
        new ManifestFile(home.manifestFile()).read() instanceof ManifestFile.Read.Valid valid
                && valid.manifest().pid() == pid
            ? Optional.of(valid.manifest().url())
            : Optional.empty();
    return new HomeOwned(home.root(), pid, url);
  }

  private static long pidFromLockFile(CapstanHome home) {
    try {
      String text = Files.readString(home.lockFile(), StandardCharsets.UTF_8);
      int start = text.indexOf("\"pid\":");
      if (start < 0) {
        return 0;
      }
      int from = start + 6;
      int to = from;
      while (to < text.length() && Character.isDigit(text.charAt(to))) {
        to++;
      }
      return to > from ? Long.parseLong(text.substring(from, to)) : 0;
    } catch (IOException | NumberFormatException e) {
      return 0;
    }
  }

  /** Releases the lock; the file stays (deleting it would race with a new owner). */
  @Override
  public void close() {
    try {
      lock.release();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot release the daemon lock", e);
    } finally {
      closeQuietly(channel);
    }
  }

  private static void closeQuietly(FileChannel channel) {
    if (channel == null) {
      return;
    }
    try {
      channel.close();
    } catch (IOException e) {
      // why: closing a channel we are abandoning; the kernel drops the lock with the descriptor.
    }
  }
}
