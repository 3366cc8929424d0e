package dev.capstan.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LockProbeTest {
  @TempDir Path dir;

  @Test
  void a_lock_held_by_another_process_is_held_by_its_pid() {
    Path file = dir.resolve("daemon.lock");

    try (ChildLockHolder child = ChildLockHolder.start(file)) {
      LockProbe.LockState state = LockProbe.holderOf(file);

      assertThat(state).isEqualTo(new LockProbe.LockState.Held(child.pid()));
    }
  }

  @Test
  void the_lock_is_free_once_its_holder_has_exited() {
    Path file = dir.resolve("daemon.lock");
    ChildLockHolder child = ChildLockHolder.start(file);

    child.close();

    assertThat(LockProbe.holderOf(file)).isEqualTo(new LockProbe.LockState.Free());
  }

  @Test
  void a_lock_held_by_this_process_is_held_by_our_pid() throws IOException {
    Path file = dir.resolve("daemon.lock");

    try (FileChannel channel =
            FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock = channel.lock()) {
      LockProbe.LockState state = LockProbe.holderOf(file);

      assertThat(state).isEqualTo(new LockProbe.LockState.Held(ProcessHandle.current().pid()));
    }
  }

  @Test
  void a_flock_lock_is_held_by_the_flock_process() throws Exception {
    Path file = Files.createFile(dir.resolve("daemon.lock"));
    // why: flock(1) takes a BSD lock, which /proc/locks lists too; `cat` keeps it until stdin ends.
    Process flock = new ProcessBuilder("flock", "--exclusive", file.toString(), "cat").start();
    try {
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> LockProbe.holderOf(file) instanceof LockProbe.LockState.Held);

      LockProbe.LockState state = LockProbe.holderOf(file);

      assertThat(state).isInstanceOf(LockProbe.LockState.Held.class);
      long holder = ((LockProbe.LockState.Held) state).pid();
      assertThat(holder == flock.pid() || isChildOf(holder, flock.pid())).isTrue();
    } finally {
      flock.getOutputStream().close();
      flock.waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void a_lock_on_the_same_inode_number_of_another_file_system_does_not_count() throws Exception {
    // why: inode numbers repeat across file systems; the roots of /dev/shm and /proc are both
    // inode 1 on different devices. A shared flock on a directory disturbs nobody.
    Path locked = Path.of("/dev/shm");
    Path probed = Path.of("/proc");
    assumeTrue(Files.isDirectory(locked) && Files.isDirectory(probed));
    assumeTrue(
        Files.getAttribute(locked, "unix:ino").equals(Files.getAttribute(probed, "unix:ino")));
    assumeTrue(
        !Files.getAttribute(locked, "unix:dev").equals(Files.getAttribute(probed, "unix:dev")));
    Process flock = new ProcessBuilder("flock", "--shared", locked.toString(), "cat").start();
    try {
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> LockProbe.holderOf(locked) instanceof LockProbe.LockState.Held);

      LockProbe.LockState state = LockProbe.holderOf(probed);

      assertThat(state).isEqualTo(new LockProbe.LockState.Free());
    } finally {
      flock.getOutputStream().close();
      flock.waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void an_unlocked_file_is_free() throws IOException {
    Path file = Files.createFile(dir.resolve("daemon.lock"));

    LockProbe.LockState state = LockProbe.holderOf(file);

    assertThat(state).isEqualTo(new LockProbe.LockState.Free());
  }

  @Test
  void a_missing_file_is_free() {
    LockProbe.LockState state = LockProbe.holderOf(dir.resolve("no-such.lock"));

    assertThat(state).isEqualTo(new LockProbe.LockState.Free());
  }

  @Test
  void a_lock_on_another_file_does_not_count() {
    Path other = dir.resolve("other.lock");
    Path mine = dir.resolve("daemon.lock");

    try (ChildLockHolder child = ChildLockHolder.start(other)) {
      assertThat(LockProbe.holderOf(mine)).isEqualTo(new LockProbe.LockState.Free());
    }
  }

  private static boolean isChildOf(long pid, long parent) {
    return ProcessHandle.of(pid)
        .flatMap(ProcessHandle::parent)
        .map(p -> p.pid() == parent)
        .orElse(false);
  }
}
