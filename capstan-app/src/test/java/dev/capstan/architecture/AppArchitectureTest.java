package dev.capstan.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import dev.capstan.app.Main;
import org.junit.jupiter.api.Test;

class AppArchitectureTest {
  private static final JavaClasses APP = ArchitectureRules.mainClassesOf(Main.class);

  @Test
  void the_import_sees_the_entry_point() {
    assertThat(APP.contain(Main.class)).isTrue();
  }

  @Test
  void packages_are_named_by_feature() {
    ArchitectureRules.PACKAGES_ARE_NAMED_BY_FEATURE.check(APP);
  }

  @Test
  void only_the_time_package_reads_the_system_clock() {
    ArchitectureRules.TIME_IS_READ_FROM_AN_INJECTED_CLOCK.check(APP);
  }
}
