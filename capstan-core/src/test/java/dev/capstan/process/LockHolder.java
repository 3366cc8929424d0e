package dev.capstan.process;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A tiny program that holds the OS lock on a file the way the daemon does ({@link
 * FileChannel#lock()}), prints {@value #READY} once it holds it, and exits when its standard input
 * closes. Tests run it as a child process through {@link ChildLockHolder}.
 *
 * <p>Uses only the JDK, so its class path is the directory (or jar) that holds this class. A
 * single-threaded program.
 */
public final class LockHolder {
  /** The line printed once the lock is held. */
  public static final String READY = "locked";

  private LockHolder() {}

  public static void main(String[] args) throws IOException {
    Path file = Path.of(args[0]);
    try (FileChannel channel =
            FileChannel.open(
                file,
                StandardOpenOption.CREATE,
                StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        FileLock lock = channel.lock()) {
      System.out.println(READY);
      System.out.flush();
      // why: block until the parent closes our stdin (or dies), then release by exiting.
      while (System.in.read() >= 0) {
        // keep reading until end of stream
      }
    }
  }
}
