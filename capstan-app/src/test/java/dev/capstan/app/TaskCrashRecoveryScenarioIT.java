package dev.capstan.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon is killed with SIGKILL while 20 tasks run across 5 repos. The next command restarts
 * it; the restarted daemon records every interrupted attempt, kills the agents the dead daemon left
 * behind, and runs every task again: no task is lost, and no task ever runs twice at once (checked
 * in /proc by the run marker every agent process carries).
 */
@LinuxOnly
class TaskCrashRecoveryScenarioIT {
  private static final int REPOS = 5;
  private static final int PER_REPO = 4;
  private static final int TASKS = REPOS * PER_REPO;
  private static final Duration RECOVERY = Duration.ofSeconds(45);

  @TempDir Path tempDir;

  private CapstanHarness capstan;
  private TaskFixture fixture;

  @BeforeEach
  void createHarness() {
    capstan =
        new CapstanHarness(tempDir.resolve("world"))
            .withEnv("CAPSTAN_MAX_CONCURRENT", Integer.toString(TASKS));
    fixture = new TaskFixture(capstan, tempDir.resolve("src"));
  }

  @AfterEach
  void cleanUp() {
    capstan.close();
  }

  @Test
  void kill_9_with_20_running_tasks_loses_none_and_runs_none_twice() {
    capstan.startDaemon();
    List<Long> ids = new ArrayList<>();
    for (int r = 0; r < REPOS; r++) {
      String repo = "repo-" + r;
      Path dir = fixture.gitRepo(repo);
      capstan.api(
          "POST",
          "/api/repos",
          "{\"source\":\""
              + dir
              + "\",\"name\":\""
              + repo
              + "\",\"maxConcurrent\":"
              + PER_REPO
              + "}");
      for (int t = 0; t < PER_REPO; t++) {
        ids.add(
            capstan
                .api(
                    "POST",
                    "/api/tasks",
                    "{\"repo\":\""
                        + repo
                        + "\",\"agent\":\"command\",\"command\":\"echo up; sleep 600\","
                        + "\"prompt\":\"long task "
                        + t
                        + "\"}")
                .path("id")
                .asLong());
      }
    }
    await("20 agents running")
        .atMost(RECOVERY)
        .until(() -> liveAttemptsByTask().size() == TASKS && runningCount() == TASKS);
    Set<Long> oldAgents = new HashSet<>(capstan.agentProcesses());
    long oldDaemon = capstan.manifest().pid();

    capstan.crash(oldDaemon);
    assertThat(oldAgents)
        .as("the dead daemon's agents outlive it (own process groups)")
        .anyMatch(ProcFs::isLive);
    CliResult list = capstan.run("task", "list");

    list.assertExit(0);
    assertThat(list.stderr()).contains("is gone").contains("started a new daemon");
    assertThat(capstan.manifest().pid()).isNotEqualTo(oldDaemon);
    // Until every task runs again: never two attempts of one task alive at once.
    await("every task running again, old agents gone")
        .atMost(RECOVERY)
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> {
              Map<Long, Set<Integer>> attempts = liveAttemptsByTask();
              attempts.forEach(
                  (task, numbers) ->
                      assertThat(numbers).as("live attempts of task %d", task).hasSizeLessThan(2));
              return oldAgents.stream().noneMatch(ProcFs::isLive)
                  && attempts.size() == TASKS
                  && runningCount() == TASKS;
            });
    for (long id : ids) {
      JsonNode task = fixture.task(id);
      assertThat(task.path("state").asText()).as("task %d", id).isEqualTo("running");
      JsonNode attempts = task.path("attempts");
      assertThat(attempts.size()).as("attempts of task %d", id).isGreaterThanOrEqualTo(2);
      JsonNode first = attempts.get(0);
      assertThat(first.path("outcome").asText()).as("task %d", id).isEqualTo("interrupted");
      assertThat(first.path("reason").asText()).as("task %d", id).isNotBlank();
      assertThat(first.path("endedAt").isTextual()).as("task %d", id).isTrue();
      assertThat(attempts.get(attempts.size() - 1).path("outcome").asText()).isEqualTo("running");
    }
    JsonNode all = capstan.json("task", "list", "--limit", "1000").path("tasks");
    assertThat(all).hasSize(TASKS);
    assertThat(capstan.daemonProcesses()).hasSize(1);
  }

  /** For each task with live agent processes of this home, the attempt numbers alive. */
  private Map<Long, Set<Integer>> liveAttemptsByTask() {
    Map<Long, Set<Integer>> byTask = new HashMap<>();
    for (long pid : capstan.agentProcesses()) {
      String marker = ProcFs.environment(pid).getOrDefault("CAPSTAN_RUN_MARKER", "");
      String[] parts = marker.split("/");
      if (parts.length == 3) {
        byTask
            .computeIfAbsent(Long.parseLong(parts[1]), task -> new HashSet<>())
            .add(Integer.parseInt(parts[2]));
      }
    }
    return byTask;
  }

  private int runningCount() {
    return capstan.api("GET", "/api/tasks?state=running&limit=1000", null).path("tasks").size();
  }
}
