package dev.datapunk.mesh.runtime.logging;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The runtime's main code takes its loggers from {@link MeshLoggers}, so that every one is gated.
 */
class OnlyGatedLoggersTest {

  @Test
  void noRuntimeClassButMeshLoggersAsksLoggerFactory() {
    JavaClasses runtime =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.datapunk.mesh.runtime");
    noClasses()
        .that()
        .doNotHaveFullyQualifiedName(MeshLoggers.class.getName())
        .should()
        .callMethod(LoggerFactory.class, "getLogger", Class.class)
        .orShould()
        .callMethod(LoggerFactory.class, "getLogger", String.class)
        .because("log.level and log.levels.* reach only loggers from MeshLoggers")
        .check(runtime);
  }
}
