package dev.capstan.cli.limits;

import static org.assertj.core.api.Assertions.assertThat;

import dev.capstan.cli.ContractServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LimitsCommandTest {
  private final ContractServer server = new ContractServer();

  @AfterEach
  void close() {
    server.close();
  }

  @Test
  void set_puts_the_new_limit_and_prints_it() {
    server.on("PUT", "/api/limits", 200, "{\"maxConcurrent\":8,\"active\":3}");

    ContractServer.Run run = server.run("limits", "set", "--max-concurrent", "8");

    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(server.requests().getFirst().body()).isEqualTo("{\"maxConcurrent\":8}");
    assertThat(run.out()).containsPattern("max concurrent: +8").containsPattern("active: +3");
  }

  @Test
  void a_limit_below_one_is_a_usage_error() {
    ContractServer.Run run = server.run("limits", "set", "--max-concurrent", "0");

    assertThat(run.exit()).isEqualTo(2);
    assertThat(server.requests()).isEmpty();
  }

  @Test
  void cluster_shows_workers_and_health_events() {
    server.on(
        "GET",
        "/api/cluster?events=20",
        200,
        """
        {"maxConcurrent":5,"active":2,
         "workers":[{"name":"local/acme","repo":"acme","slotsInUse":2,"maxConcurrent":2,
                     "state":"busy"}],
         "healthEvents":[{"id":1,"kind":"orphan_cleaned","worker":"local/acme","repo":"acme",
                          "taskId":4,"message":"killed process group 123 left by a dead daemon",
                          "at":"2026-01-01T00:00:00Z"}]}
        """);

    ContractServer.Run run = server.run("cluster");

    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.out())
        .contains("Tasks active: 2/5")
        .contains("local/acme", "2/2", "busy")
        .contains("orphan_cleaned", "killed process group 123");
  }

  @Test
  void gc_dry_run_says_what_it_would_free() {
    server.on(
        "POST",
        "/api/gc",
        200,
        """
        {"removed":[{"path":"/h/worktrees/acme/task-1","taskId":1,"bytes":2048}],
         "bytesFreed":2048,"diskUsedBytes":1048576}
        """);

    ContractServer.Run run = server.run("gc", "--dry-run");

    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(server.requests().getFirst().body()).isEqualTo("{\"dryRun\":true}");
    assertThat(run.out())
        .contains("Would remove 1 worktree(s), freeing 2.0 KiB")
        .contains("Disk used by worktrees: 1.0 MiB");
  }
}
