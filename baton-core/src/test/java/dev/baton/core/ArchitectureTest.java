package dev.baton.core;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Rules the compiler cannot hold: the core stays framework-free and reads time only through its clock. */
class ArchitectureTest {

  private static final JavaClasses CLASSES =
      new ClassFileImporter()
          .withImportOption(new ImportOption.DoNotIncludeTests())
          .importPackages("dev.baton.core");

  /** The one class allowed to read the JVM's clocks. */
  private static final String SYSTEM_CLOCK = "dev.baton.core.time.SystemClock";

  private static final Set<String> DATE_TIME_CLASSES_WITH_NOW =
      Set.of(
          "java.time.Instant",
          "java.time.LocalDateTime",
          "java.time.LocalDate",
          "java.time.LocalTime",
          "java.time.ZonedDateTime",
          "java.time.OffsetDateTime",
          "java.time.OffsetTime",
          "java.time.Year",
          "java.time.YearMonth",
          "java.time.MonthDay");

  private static final Set<String> JAVA_TIME_CLOCK_FACTORIES =
      Set.of("systemUTC", "systemDefaultZone", "system");

  private static final DescribedPredicate<JavaMethodCall> READS_THE_TIME_OF_DAY =
      DescribedPredicate.describe(
          "System.currentTimeMillis(), System.nanoTime(), java.time's now(..) or"
              + " java.time.Clock.system*(..)",
          call -> {
            String owner = call.getTargetOwner().getFullName();
            String name = call.getName();
            return owner.equals("java.lang.System")
                    && (name.equals("currentTimeMillis") || name.equals("nanoTime"))
                || DATE_TIME_CLASSES_WITH_NOW.contains(owner) && name.equals("now")
                || owner.equals("java.time.Clock") && JAVA_TIME_CLOCK_FACTORIES.contains(name);
          });

  static final ArchRule NO_FRAMEWORKS =
      noClasses()
          .that()
          .resideInAPackage("dev.baton.core..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "io.vertx..",
              "com.fasterxml..",
              "io.micrometer..",
              "picocli..",
              "org.slf4j..",
              "com.nimbusds..",
              "io.lettuce..")
          .because("baton-core is the domain; transports, JSON, metrics and Redis live in other modules");

  static final ArchRule TIME_ONLY_FROM_THE_CLOCK =
      noClasses()
          .that()
          .doNotHaveFullyQualifiedName(SYSTEM_CLOCK)
          .should()
          .callMethodWhere(READS_THE_TIME_OF_DAY)
          .because("time comes only from the injected dev.baton.core.time.Clock (SPEC guarantee 4)");

  @Test
  void coreDependsOnNoFramework() {
    NO_FRAMEWORKS.check(CLASSES);
  }

  @Test
  void onlySystemClockReadsTheJvmClocks() {
    TIME_ONLY_FROM_THE_CLOCK.check(CLASSES);
  }

  @Test
  void theImportSeesTheCoreButNotItsTests() {
    assertThat(CLASSES.contain(SYSTEM_CLOCK)).isTrue();
    assertThat(CLASSES.contain("dev.baton.core.resource.ResourceId")).isTrue();
    assertThat(CLASSES.contain(ArchitectureTest.class)).isFalse();
  }

  /** Guards against a rule that silently matches nothing. */
  @Test
  void theTimeRuleCatchesEveryForbiddenCall() {
    JavaClasses offenders =
        new ClassFileImporter()
            .importClasses(
                ReadsMillis.class, ReadsNanos.class, ReadsInstant.class, ReadsLocalDateTime.class,
                ReadsJavaTimeClock.class);

    assertThat(TIME_ONLY_FROM_THE_CLOCK.evaluate(offenders).getFailureReport().getDetails())
        .hasSize(5);
  }

  @SuppressWarnings("unused")
  private static final class ReadsMillis {
    long read() {
      return System.currentTimeMillis();
    }
  }

  @SuppressWarnings("unused")
  private static final class ReadsNanos {
    long read() {
      return System.nanoTime();
    }
  }

  @SuppressWarnings("unused")
  private static final class ReadsInstant {
    Instant read() {
      return Instant.now();
    }
  }

  @SuppressWarnings("unused")
  private static final class ReadsLocalDateTime {
    LocalDateTime read() {
      return LocalDateTime.now();
    }
  }

  @SuppressWarnings("unused")
  private static final class ReadsJavaTimeClock {
    java.time.Clock read() {
      return java.time.Clock.systemUTC();
    }
  }
}
