package dev.capstan.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import dev.capstan.config.CapstanSettings;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class CoreArchitectureTest {
  private static final JavaClasses CORE = ArchitectureRules.mainClassesOf(CapstanSettings.class);

  @Test
  void the_import_sees_core_classes() {
    assertThat(CORE.containPackage("dev.capstan.config")).isTrue();
    assertThat(CORE.containPackage("dev.capstan.time")).isTrue();
  }

  @Test
  void core_depends_on_no_framework_and_no_other_module() {
    ArchitectureRules.CORE_IS_FREE_OF_FRAMEWORKS.check(CORE);
  }

  @Test
  void packages_are_named_by_feature() {
    ArchitectureRules.PACKAGES_ARE_NAMED_BY_FEATURE.check(CORE);
  }

  @Test
  void only_the_time_package_reads_the_system_clock() {
    ArchitectureRules.TIME_IS_READ_FROM_AN_INJECTED_CLOCK.check(CORE);
  }

  @Test
  void the_clock_rule_catches_every_direct_read_and_allows_an_injected_clock() {
    JavaClasses offenders = new ClassFileImporter().importClasses(Offender.class, Allowed.class);

    var result = ArchitectureRules.TIME_IS_READ_FROM_AN_INJECTED_CLOCK.evaluate(offenders);

    assertThat(result.getFailureReport().getDetails())
        .hasSize(6)
        .allMatch(line -> line.contains(Offender.class.getName()));
  }

  /** Reads the wall clock in every banned way. */
  static final class Offender {
    Object[] readings() {
      return new Object[] {
        Instant.now(),
        System.currentTimeMillis(),
        java.time.LocalDateTime.now(),
        java.time.OffsetDateTime.now(),
        Clock.systemUTC(),
        Clock.systemDefaultZone()
      };
    }
  }

  /** Reads time only through a clock it was given. */
  static final class Allowed {
    Object[] readings(Clock clock) {
      return new Object[] {
        Instant.now(clock), java.time.ZonedDateTime.now(clock), clock.instant(), ZoneOffset.UTC
      };
    }
  }
}
