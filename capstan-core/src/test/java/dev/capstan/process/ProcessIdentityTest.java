package dev.capstan.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ProcessIdentityTest {

  @Test
  void the_current_process_is_alive() {
    ProcessIdentity self = ProcessIdentity.current();

    assertThat(self.pid()).isEqualTo(ProcessHandle.current().pid());
    assertThat(self.isAlive()).isTrue();
    assertThat(self.handle()).isPresent();
  }

  @Test
  void live_finds_the_current_process_as_the_same_process() {
    ProcessIdentity self = ProcessIdentity.current();

    Optional<ProcessIdentity> live = ProcessIdentity.live(self.pid());

    assertThat(live).hasValueSatisfying(found -> assertThat(found.sameProcessAs(self)).isTrue());
  }

  @Test
  void a_finished_child_process_is_not_alive() throws Exception {
    Process child = new ProcessBuilder("sleep", "60").start();
    ProcessIdentity identity = ProcessIdentity.live(child.pid()).orElseThrow();
    assertThat(identity.isAlive()).isTrue();

    child.destroy();
    assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();

    assertThat(identity.isAlive()).isFalse();
    assertThat(identity.handle()).isEmpty();
    assertThat(ProcessIdentity.live(identity.pid())).isEmpty();
  }

  @Test
  void the_same_pid_with_a_different_start_time_is_not_the_same_process() {
    ProcessIdentity self = ProcessIdentity.current();
    ProcessIdentity recycled = new ProcessIdentity(self.pid(), self.startedAt().minusSeconds(60));

    assertThat(recycled.isAlive()).isFalse();
    assertThat(recycled.sameProcessAs(self)).isFalse();
    assertThat(recycled.handle()).isEmpty();
  }

  @Test
  void start_times_within_rounding_slack_are_the_same_process() {
    Instant start = Instant.parse("2030-01-02T03:04:05Z");
    ProcessIdentity a = new ProcessIdentity(42, start);

    assertThat(a.sameProcessAs(new ProcessIdentity(42, start.plusMillis(500)))).isTrue();
    assertThat(a.sameProcessAs(new ProcessIdentity(42, start.minusMillis(1000)))).isTrue();
    assertThat(a.sameProcessAs(new ProcessIdentity(42, start.plusMillis(1001)))).isFalse();
    assertThat(a.sameProcessAs(new ProcessIdentity(43, start))).isFalse();
  }

  @Test
  void a_zombie_is_not_alive() throws Exception {
    // why: the shell starts a child that waits for our stdin, then becomes `sleep`, which never
    // reaps it. Closing stdin only after the exec makes the child a zombie, deterministically.
    Process parent =
        new ProcessBuilder("sh", "-c", "exec 3<&0; sh -c 'read x <&3' & echo $!; exec sleep 60")
            .start();
    try {
      long zombie =
          Long.parseLong(
              new BufferedReader(
                      new InputStreamReader(parent.getInputStream(), StandardCharsets.UTF_8))
                  .readLine()
                  .trim());
      await().atMost(Duration.ofSeconds(10)).until(() -> commandOf(parent.pid()).equals("sleep"));
      parent.getOutputStream().close();
      await().atMost(Duration.ofSeconds(10)).until(() -> stateOf(zombie) == 'Z');

      Optional<ProcessIdentity> live = ProcessIdentity.live(zombie);

      assertThat(ProcessHandle.of(zombie)).isPresent();
      assertThat(live).isEmpty();
    } finally {
      parent.destroy();
      parent.waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void pids_that_cannot_exist_are_not_live() {
    assertThat(ProcessIdentity.live(0)).isEmpty();
    assertThat(ProcessIdentity.live(-1)).isEmpty();
    assertThat(ProcessIdentity.live(Long.MAX_VALUE)).isEmpty();
  }

  @Test
  void a_pid_must_be_positive() {
    assertThatThrownBy(() -> new ProcessIdentity(0, Instant.EPOCH))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("pid");
  }

  private static String commandOf(long pid) throws IOException {
    return Files.readString(Path.of("/proc", Long.toString(pid), "comm")).trim();
  }

  private static char stateOf(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
    return stat.charAt(stat.lastIndexOf(')') + 2);
  }
}
