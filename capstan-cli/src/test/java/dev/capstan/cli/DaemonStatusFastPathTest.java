package dev.capstan.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.capstan.error.ExitCode;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code daemon status} and {@code daemon status --json} skip picocli; what they print and return
 * must not tell the two paths apart.
 */
class DaemonStatusFastPathTest {
  private static final String IDENTITY =
      "{\"instanceId\":\"i-1\",\"capstanVersion\":\"9.9\",\"pid\":4242,"
          + "\"pidStartedAt\":\"2030-01-02T03:04:05Z\",\"host\":\"127.0.0.1\",\"port\":7423,"
          + "\"url\":\"http://127.0.0.1:7423\",\"startedAt\":\"2030-01-02T03:04:05Z\","
          + "\"uptimeSeconds\":3725,\"home\":\"/srv/capstan\",\"logPath\":\"/srv/capstan/logs/daemon.log\"}";

  @TempDir Path dir;

  private final ContractServer server = new ContractServer();

  @AfterEach
  void close() {
    server.close();
  }

  @Test
  void only_the_two_exact_forms_take_the_fast_path() {
    assertThat(CapstanCommand.isPlainDaemonStatus(new String[] {"daemon", "status"})).isTrue();
    assertThat(CapstanCommand.isPlainDaemonStatus(new String[] {"daemon", "status", "--json"}))
        .isTrue();
    for (String[] other :
        List.of(
            new String[] {"daemon", "status", "--help"},
            new String[] {"daemon", "status", "--json", "extra"},
            new String[] {"daemon", "--json", "status"},
            new String[] {"daemon", "stat"},
            new String[] {"status"},
            new String[] {"daemon"},
            new String[] {})) {
      assertThat(CapstanCommand.isPlainDaemonStatus(other)).as(String.join(" ", other)).isFalse();
    }
  }

  @Test
  void a_running_remote_daemon_prints_the_same_either_way() {
    server.on("GET", "/api/daemon", 200, IDENTITY);

    for (String[] args :
        List.of(new String[] {"daemon", "status"}, new String[] {"daemon", "status", "--json"})) {
      ContractServer.Run fast = server.run(args);
      ContractServer.Run picocli = server.runThroughPicocli(args);

      assertThat(fast.exit()).as(fast.err()).isZero();
      assertThat(fast).as(String.join(" ", args)).isEqualTo(picocli);
    }
    assertThat(server.run("daemon", "status").out())
        .contains("running")
        .contains("http://127.0.0.1:7423")
        .contains("4242")
        .contains("1h 2m");
  }

  @Test
  void a_home_without_a_daemon_exits_3_with_the_same_message_either_way() {
    for (String[] args :
        List.of(new String[] {"daemon", "status"}, new String[] {"daemon", "status", "--json"})) {
      ContractServer.Run fast = local(false, args);
      ContractServer.Run picocli = local(true, args);

      assertThat(fast.exit()).isEqualTo(ExitCode.NOT_RUNNING.code());
      assertThat(fast).as(String.join(" ", args)).isEqualTo(picocli);
      assertThat(fast.err()).contains("not running");
    }
  }

  private ContractServer.Run local(boolean picocliOnly, String... args) {
    return ContractServer.runCli(
        Map.of("CAPSTAN_HOME", dir.resolve("home").toString()), dir.toString(), picocliOnly, args);
  }
}
