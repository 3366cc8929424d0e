package dev.capstan.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import dev.capstan.cli.CapstanCommand;
import org.junit.jupiter.api.Test;

class CliArchitectureTest {
  private static final JavaClasses CLI = ArchitectureRules.mainClassesOf(CapstanCommand.class);

  @Test
  void the_import_sees_cli_classes_only() {
    assertThat(CLI.containPackage("dev.capstan.cli.client")).isTrue();
    assertThat(CLI.stream().map(type -> type.getPackageName()))
        .allMatch(name -> name.startsWith("dev.capstan.cli"));
  }

  @Test
  void the_cli_does_not_reach_into_the_daemon_or_its_http_server() {
    ArchitectureRules.CLI_DOES_NOT_REACH_INTO_THE_DAEMON.check(CLI);
  }

  @Test
  void packages_are_named_by_feature() {
    ArchitectureRules.PACKAGES_ARE_NAMED_BY_FEATURE.check(CLI);
  }

  @Test
  void only_the_time_package_reads_the_system_clock() {
    ArchitectureRules.TIME_IS_READ_FROM_AN_INJECTED_CLOCK.check(CLI);
  }
}
