package dev.capstan.home;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes files so that a reader sees either the old content or the new, never a torn mix: write a
 * temporary file beside the target, fsync it, rename it over the target, fsync the directory.
 *
 * <p>Thread-safe (stateless). Concurrent writers of the same target each leave a complete file; the
 * last rename wins.
 */
public final class AtomicFiles {
  /** Owner read/write only. */
  public static final Set<PosixFilePermission> OWNER_ONLY_FILE =
      PosixFilePermissions.fromString("rw-------");

  /** Owner read/write/search only. */
  public static final Set<PosixFilePermission> OWNER_ONLY_DIR =
      PosixFilePermissions.fromString("rwx------");

  private AtomicFiles() {}

  /** Atomically replaces {@code target} with {@code content}, readable by the owner only. */
  public static void writeOwnerOnly(Path target, byte[] content) throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    Path temp =
        dir.resolve("." + target.getFileName() + ".tmp-" + Long.toHexString(randomSuffix()));
    try {
      createOwnerOnly(temp);
      try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        ByteBuffer buffer = ByteBuffer.wrap(content);
        while (buffer.hasRemaining()) {
          channel.write(buffer);
        }
        channel.force(true);
      }
      try {
        Files.move(
            temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        throw new IOException("the file system of " + dir + " cannot rename atomically", e);
      }
      fsyncDirectory(dir);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /** Creates an empty file that only its owner can read, failing if it exists. */
  public static void createOwnerOnly(Path file) throws IOException {
    if (supportsPosix(file)) {
      FileAttribute<Set<PosixFilePermission>> mode =
          PosixFilePermissions.asFileAttribute(OWNER_ONLY_FILE);
      Files.createFile(file, mode);
    } else {
      Files.createFile(file);
    }
  }

  /** Creates {@code dir} (and parents) if missing and makes it owner-only. */
  public static void ensureOwnerOnlyDirectory(Path dir) throws IOException {
    try {
      Files.createDirectories(dir);
    } catch (FileAlreadyExistsException e) {
      throw new IOException(dir + " exists and is not a directory", e);
    }
    if (supportsPosix(dir) && !Files.getPosixFilePermissions(dir).equals(OWNER_ONLY_DIR)) {
      Files.setPosixFilePermissions(dir, OWNER_ONLY_DIR);
    }
  }

  /** Makes an existing file owner-only if it is not already. */
  public static void restrictToOwner(Path file) throws IOException {
    if (supportsPosix(file) && !Files.getPosixFilePermissions(file).equals(OWNER_ONLY_FILE)) {
      Files.setPosixFilePermissions(file, OWNER_ONLY_FILE);
    }
  }

  private static void fsyncDirectory(Path dir) {
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException e) {
      // why: some platforms cannot open a directory for fsync; the rename itself is still atomic.
    }
  }

  private static boolean supportsPosix(Path path) {
    Path probe = path.toAbsolutePath().getParent();
    return probe != null && probe.getFileSystem().supportedFileAttributeViews().contains("posix");
  }

  private static long randomSuffix() {
    return ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE;
  }
}
