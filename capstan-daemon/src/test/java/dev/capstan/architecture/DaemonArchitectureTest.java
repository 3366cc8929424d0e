package dev.capstan.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import dev.capstan.daemon.Daemon;
import org.junit.jupiter.api.Test;

class DaemonArchitectureTest {
  private static final JavaClasses DAEMON = ArchitectureRules.mainClassesOf(Daemon.class);

  @Test
  void the_import_sees_daemon_classes_only() {
    assertThat(DAEMON.containPackage("dev.capstan.daemon.http")).isTrue();
    assertThat(DAEMON.stream().map(type -> type.getPackageName()))
        .allMatch(name -> name.startsWith("dev.capstan.daemon"));
  }

  @Test
  void the_daemon_does_not_depend_on_the_cli() {
    ArchitectureRules.DAEMON_DOES_NOT_DEPEND_ON_THE_CLI.check(DAEMON);
  }

  @Test
  void packages_are_named_by_feature() {
    ArchitectureRules.PACKAGES_ARE_NAMED_BY_FEATURE.check(DAEMON);
  }

  @Test
  void only_the_time_package_reads_the_system_clock() {
    ArchitectureRules.TIME_IS_READ_FROM_AN_INJECTED_CLOCK.check(DAEMON);
  }
}
