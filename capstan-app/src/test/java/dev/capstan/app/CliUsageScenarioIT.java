package dev.capstan.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Help, version and usage errors: answered at once, without touching a daemon. */
@LinuxOnly
class CliUsageScenarioIT {
  private static final List<List<String>> COMMANDS =
      List.of(
          List.of(),
          List.of("daemon"),
          List.of("daemon", "run"),
          List.of("daemon", "start"),
          List.of("daemon", "stop"),
          List.of("daemon", "status"),
          List.of("daemon", "restart"),
          List.of("daemon", "logs"),
          List.of("daemon", "reset"),
          List.of("token"),
          List.of("token", "rotate"),
          List.of("config"),
          List.of("config", "show"));

  @TempDir Path tempDir;

  private CapstanHarness capstan;

  @BeforeEach
  void createHarness() {
    capstan = new CapstanHarness(tempDir);
  }

  @AfterEach
  void cleanUp() {
    capstan.close();
  }

  @Test
  void every_command_answers_help_with_exit_0_and_starts_nothing() {
    List<CapstanHarness.Running> running = new ArrayList<>();
    for (List<String> command : COMMANDS) {
      List<String> args = new ArrayList<>(command);
      args.add("--help");
      running.add(capstan.launch(args.toArray(String[]::new)));
    }

    List<CliResult> results = running.stream().map(CapstanHarness.Running::awaitExit).toList();

    for (CliResult help : results) {
      help.assertExit(0);
      assertThat(help.stdout()).as(help.toString()).contains("Usage: capstan");
    }
    assertThat(capstan.daemonProcesses()).isEmpty();
    assertThat(capstan.home().resolve("daemon.json")).doesNotExist();
  }

  @Test
  void top_level_help_lists_the_exit_codes() {
    CliResult help = capstan.run("--help");

    help.assertExit(0);
    assertThat(help.stdout())
        .contains("Exit codes:")
        .contains("not running")
        .contains("another daemon already owns this home")
        .contains("no free port");
  }

  @Test
  void version_prints_the_capstan_version() {
    CliResult version = capstan.run("--version");

    version.assertExit(0);
    assertThat(version.stdout()).startsWith("capstan ").contains("JVM:");
  }

  @Test
  void unknown_command_or_option_is_a_usage_error_with_exit_2() {
    CliResult command = capstan.run("daemon", "explode");
    CliResult option = capstan.run("daemon", "status", "--colour");
    CliResult nothing = capstan.run();

    command.assertExit(2);
    assertThat(command.stderr()).contains("explode");
    option.assertExit(2);
    assertThat(option.stderr()).contains("--colour");
    nothing.assertExit(2);
    assertThat(nothing.stderr()).contains("Missing a command");
    assertThat(capstan.daemonProcesses()).isEmpty();
  }
}
