package dev.capstan.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tasks stuck in queued: the global and per-repo limits are never exceeded, every waiting task says
 * which limit holds it (in {@code task list} and {@code task show}), and raising a limit with
 * {@code limits set} or {@code repo set} starts waiting tasks at once.
 */
@LinuxOnly
class TaskLimitsScenarioIT {
  private static final Duration RUN = Duration.ofSeconds(30);

  @TempDir Path tempDir;

  private CapstanHarness capstan;
  private TaskFixture fixture;

  @BeforeEach
  void createHarness() {
    capstan = new CapstanHarness(tempDir.resolve("world")).withEnv("CAPSTAN_MAX_CONCURRENT", "3");
    fixture = new TaskFixture(capstan, tempDir.resolve("src"));
  }

  @AfterEach
  void cleanUp() {
    capstan.close();
  }

  @Test
  void caps_hold_and_waiting_tasks_say_which_limit_holds_them() {
    fixture.repo("acme", "--max-concurrent", "2");
    fixture.repo("beta", "--max-concurrent", "2");
    List<Long> acme = new ArrayList<>();
    List<Long> beta = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      acme.add(fixture.commandTask("acme", "sleep 600", "acme " + i));
    }
    for (int i = 0; i < 2; i++) {
      beta.add(fixture.commandTask("beta", "sleep 600", "beta " + i));
    }

    await("three tasks running").atMost(RUN).until(() -> running().size() == 3);
    CliResult list = capstan.run("task", "list", "--state", "queued");
    JsonNode queued = capstan.json("task", "list", "--state", "queued").path("tasks");
    JsonNode limits = capstan.json("limits");

    assertThat(running()).hasSize(3);
    assertThat(countRunning("acme")).isLessThanOrEqualTo(2);
    assertThat(limits.path("maxConcurrent").asInt()).isEqualTo(3);
    assertThat(limits.path("active").asInt()).isEqualTo(3);
    assertThat(queued).hasSize(2);
    for (JsonNode task : queued) {
      assertThat(task.path("pendingReason").asText())
          .matches("global limit 3/3|repo limit 2/2 \\(acme\\)");
    }
    list.assertExit(0);
    assertThat(list.stdout())
        .contains("WAITING")
        .containsPattern("global limit 3/3|repo limit 2/2");
    assertThat(
            capstan.run("task", "show", String.valueOf(queued.get(0).path("id").asLong())).stdout())
        .contains("waiting:");
    assertThat(capstan.run("cluster").stdout()).contains("local/acme", "local/beta", "3/3");

    // Raising the global limit starts the beta task at once; acme stays at its repo limit.
    CliResult raise = capstan.run("limits", "set", "--max-concurrent", "10");
    await("four running").atMost(Duration.ofSeconds(5)).until(() -> running().size() == 4);
    JsonNode stillQueued = capstan.json("task", "list", "--state", "queued").path("tasks");

    raise.assertExit(0);
    assertThat(raise.stdout()).contains("10");
    assertThat(stillQueued).hasSize(1);
    assertThat(stillQueued.get(0).path("pendingReason").asText())
        .isEqualTo("repo limit 2/2 (acme)");

    // Raising the repo's limit starts the last one.
    capstan.run("repo", "set", "acme", "--max-concurrent", "3").assertExit(0);
    await("five running").atMost(Duration.ofSeconds(5)).until(() -> running().size() == 5);
    assertThat(capstan.json("task", "list", "--state", "queued").path("tasks")).isEmpty();
  }

  @Test
  void the_global_limit_survives_a_daemon_restart() {
    capstan.run("limits", "set", "--max-concurrent", "7").assertExit(0);

    capstan.run("daemon", "restart").assertExit(0);

    assertThat(capstan.json("limits").path("maxConcurrent").asInt()).isEqualTo(7);
  }

  @Test
  void a_limit_below_one_is_refused() {
    CliResult zero = capstan.run("limits", "set", "--max-concurrent", "0");
    JsonNode api = capstan.json("limits");

    zero.assertExit(2);
    assertThat(api.path("maxConcurrent").asInt()).isEqualTo(3);
    assertThat(capstan.api("GET", "/api/limits", null).path("maxConcurrent").asInt()).isEqualTo(3);
  }

  private List<Long> running() {
    List<Long> ids = new ArrayList<>();
    capstan
        .api("GET", "/api/tasks?state=provisioning,running&limit=100", null)
        .path("tasks")
        .forEach(task -> ids.add(task.path("id").asLong()));
    return ids;
  }

  private long countRunning(String repo) {
    List<Long> ids = new ArrayList<>();
    capstan
        .api("GET", "/api/tasks?state=provisioning,running&repo=" + repo, null)
        .path("tasks")
        .forEach(task -> ids.add(task.path("id").asLong()));
    return ids.size();
  }
}
