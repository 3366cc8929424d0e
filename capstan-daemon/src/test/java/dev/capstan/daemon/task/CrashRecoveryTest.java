package dev.capstan.daemon.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.capstan.task.Attempt;
import dev.capstan.task.AttemptOutcome;
import dev.capstan.task.NewTask;
import dev.capstan.task.Task;
import dev.capstan.task.TaskState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A daemon dies with twenty agents running across five repos; a new one starts on the same home:
 * every old agent process is gone, every interrupted attempt is recorded, no task is lost and none
 * runs twice at once.
 */
class CrashRecoveryTest {
  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir Path dir;

  @Test
  void twenty_running_tasks_survive_a_dead_daemon_without_running_twice() throws Exception {
    try (TaskFixture tasks = TaskFixture.start(dir)) {
      Path pids = Files.createDirectories(dir.resolve("pids"));
      tasks.engine.setGlobalLimit(20);
      List<Task> submitted = new ArrayList<>();
      for (int r = 0; r < 5; r++) {
        String repo = "repo" + r;
        tasks.repo(repo, "echo $$ > " + pids + "/$CAPSTAN_TASK_ID-$CAPSTAN_ATTEMPT; sleep 300");
        tasks.repos.change(
            repo,
            new RepoService.RepoPatch(
                Optional.empty(),
                Optional.of(4),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty()));
        for (int i = 0; i < 4; i++) {
          submitted.add(
              tasks.engine.submit(new NewTask(repo, "", "task " + i, "", Optional.empty(), 0)));
        }
      }
      await().atMost(WAIT).until(() -> pidFiles(pids, 1).size() == 20);
      List<Long> firstAgents = pidFiles(pids, 1);

      tasks.crashAndBoot();

      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> firstAgents.stream().noneMatch(CrashRecoveryTest::alive));
      await().atMost(WAIT).until(() -> pidFiles(pids, 2).size() == 20);
      for (Task task : submitted) {
        List<Attempt> attempts = tasks.store.attempts(task.id());
        assertThat(attempts).hasSize(2);
        assertThat(attempts.get(0).outcome()).isEqualTo(AttemptOutcome.INTERRUPTED);
        assertThat(attempts.get(0).endedAt()).isPresent();
        assertThat(attempts.get(1).outcome()).isEqualTo(AttemptOutcome.RUNNING);
        assertThat(tasks.engine.find(task.id()).state()).isEqualTo(TaskState.RUNNING);
      }
      assertThat(tasks.store.tasksIn(EnumSet.of(TaskState.PROVISIONING, TaskState.RUNNING)).size())
          .isEqualTo(20);
    }
  }

  private static List<Long> pidFiles(Path dir, int attempt) throws Exception {
    List<Long> pids = new ArrayList<>();
    try (var files = Files.list(dir)) {
      for (Path file :
          files.filter(f -> f.getFileName().toString().endsWith("-" + attempt)).toList()) {
        String text = Files.readString(file).strip();
        if (!text.isEmpty()) {
          pids.add(Long.parseLong(text));
        }
      }
    }
    return pids;
  }

  private static boolean alive(long pid) {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }
}
