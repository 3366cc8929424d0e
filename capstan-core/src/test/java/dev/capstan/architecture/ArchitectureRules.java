package dev.capstan.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.InstantSource;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Set;

/**
 * The house-style rules that the build enforces with ArchUnit: modules are dependency walls (STYLE
 * 1), packages are named by feature (STYLE 2), and time is read only through an injected {@link
 * Clock} (STYLE 12). Each module's architecture test imports its own main classes with {@link
 * #mainClassesOf(Class)} and checks the rules that apply to it.
 *
 * <p>Immutable and thread-safe.
 */
public final class ArchitectureRules {
  /** The only package that may read the wall clock directly. */
  public static final String TIME_PACKAGE = "dev.capstan.time..";

  private static final Set<Class<?>> NOW_TYPES =
      Set.of(
          Instant.class,
          LocalDate.class,
          LocalDateTime.class,
          LocalTime.class,
          OffsetDateTime.class,
          ZonedDateTime.class);

  private ArchitectureRules() {}

  /** The main (non-test) classes of the module that holds {@code anchor}. */
  public static JavaClasses mainClassesOf(Class<?> anchor) {
    Path location;
    try {
      location = Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException("cannot locate the classes of " + anchor, e);
    }
    return new ClassFileImporter()
        .withImportOption(new ImportOption.DoNotIncludeTests())
        .importPath(location);
  }

  /** Core is the domain: no HTTP server, no CLI, no SQL library, no Kubernetes client. */
  public static final ArchRule CORE_IS_FREE_OF_FRAMEWORKS =
      noClasses()
          .that()
          .resideInAPackage("dev.capstan..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "io.javalin..",
              "org.eclipse.jetty..",
              "jakarta.servlet..",
              "org.jdbi..",
              "org.flywaydb..",
              "picocli..",
              "io.fabric8..",
              "ch.qos.logback..",
              "dev.capstan.daemon..",
              "dev.capstan.cli..",
              "dev.capstan.app..")
          .because("capstan-core depends on nothing of ours and on no framework (STYLE 1)");

  /** The CLI talks to the daemon over HTTP only, and shares core types. */
  public static final ArchRule CLI_DOES_NOT_REACH_INTO_THE_DAEMON =
      noClasses()
          .that()
          .resideInAPackage("dev.capstan.cli..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "dev.capstan.daemon..",
              "io.javalin..",
              "org.eclipse.jetty..",
              "jakarta.servlet..",
              "org.jdbi..",
              "io.fabric8..")
          .because("capstan-cli depends on core only; Javalin stays inside the daemon (STYLE 1)");

  /** The daemon never depends on the command line. */
  public static final ArchRule DAEMON_DOES_NOT_DEPEND_ON_THE_CLI =
      noClasses()
          .that()
          .resideInAPackage("dev.capstan.daemon..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("dev.capstan.cli..", "dev.capstan.app..", "picocli..")
          .because("capstan-daemon depends on core and the store only (STYLE 1)");

  /** Package by feature, never by layer. */
  public static final ArchRule PACKAGES_ARE_NAMED_BY_FEATURE =
      noClasses()
          .that()
          .resideInAPackage("dev.capstan..")
          .should()
          .resideInAnyPackage(
              "..service..",
              "..services..",
              "..model..",
              "..models..",
              "..util..",
              "..utils..",
              "..common..",
              "..exceptions..")
          .because("packages are named by feature, never by layer (STYLE 2)");

  /** Time comes from an injected clock; only {@code dev.capstan.time} touches the system clock. */
  public static final ArchRule TIME_IS_READ_FROM_AN_INJECTED_CLOCK =
      noClasses()
          .that()
          .resideInAPackage("dev.capstan..")
          .and()
          .resideOutsideOfPackage(TIME_PACKAGE)
          .should()
          .callMethodWhere(readsTheSystemClock())
          .because(
              "code receives a java.time.Clock so tests can move time; Clocks.system() is the one"
                  + " place that reads the system clock (STYLE 12)");

  /** The rules that apply to every module. */
  public static final List<ArchRule> EVERY_MODULE =
      List.of(PACKAGES_ARE_NAMED_BY_FEATURE, TIME_IS_READ_FROM_AN_INJECTED_CLOCK);

  private static DescribedPredicate<JavaMethodCall> readsTheSystemClock() {
    return DescribedPredicate.describe(
        "reads the system clock (Instant.now(), System.currentTimeMillis(), Clock.systemUTC(), ...)",
        call -> {
          String owner = call.getTargetOwner().getName();
          String name = call.getName();
          List<String> parameters =
              call.getTarget().getRawParameterTypes().stream().map(type -> type.getName()).toList();
          if (owner.equals(System.class.getName())) {
            return name.equals("currentTimeMillis");
          }
          if (owner.equals(Clock.class.getName())) {
            return name.equals("systemUTC")
                || name.equals("systemDefaultZone")
                || name.equals("system");
          }
          if (owner.equals(InstantSource.class.getName())) {
            return name.equals("system");
          }
          boolean nowType = NOW_TYPES.stream().anyMatch(type -> type.getName().equals(owner));
          // why: now(Clock) is the injected form and stays allowed; now() and now(ZoneId) are not.
          return nowType && name.equals("now") && !parameters.contains(Clock.class.getName());
        });
  }
}
