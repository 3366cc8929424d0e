package dev.capstan.daemon.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.capstan.runtime.RunMarker;
import dev.capstan.runtime.TurnMarker;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/** Real processes with real markers in their environment, found through the real /proc. */
@EnabledOnOs(OS.LINUX)
class TurnProcessesTest {
  @TempDir Path dir;

  private final List<Process> started = new ArrayList<>();

  @AfterEach
  void killEverything() {
    started.forEach(Process::destroyForcibly);
  }

  private Process sleeperWithMarker(String marker) throws IOException {
    ProcessBuilder builder = new ProcessBuilder("sh", "-c", "exec sleep 600");
    builder.environment().put(RunMarker.ENV, marker);
    Process process = builder.start();
    started.add(process);
    return process;
  }

  @Test
  void only_processes_of_this_homes_turns_are_killed() throws IOException {
    Path home = dir.resolve("home");
    Path otherHome = dir.resolve("other");
    Process leftover = sleeperWithMarker(TurnProcesses.markerOf(home, "t_left").value());
    Process otherHomes = sleeperWithMarker(TurnProcesses.markerOf(otherHome, "t_left").value());
    Process task = sleeperWithMarker(new RunMarker(RunMarker.homeHash(home), 7, 1).value());
    Process unmarked = new ProcessBuilder("sleep", "600").start();
    started.add(unmarked);
    await("the marked process visible in /proc")
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                ProcFs.system()
                    .turnMarker(leftover.pid())
                    .map(TurnMarker::turnId)
                    .filter("t_left"::equals)
                    .isPresent());

    List<Long> killed = TurnProcesses.killLeftovers(home, Duration.ofMillis(500));

    assertThat(killed).containsExactly(leftover.pid());
    await("the leftover gone").atMost(Duration.ofSeconds(10)).until(() -> !leftover.isAlive());
    assertThat(otherHomes.isAlive()).as("another home's turn process").isTrue();
    assertThat(task.isAlive()).as("a task's process, which the task health loop owns").isTrue();
    assertThat(unmarked.isAlive()).isTrue();
  }

  @Test
  void nothing_left_means_nothing_killed() {
    assertThat(TurnProcesses.killLeftovers(dir.resolve("fresh"), Duration.ofMillis(100))).isEmpty();
  }
}
