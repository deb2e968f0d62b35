package dev.datapunk.mesh.sample.e2e;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Neither the runtime nor the code the processor generated for the sample uses reflection: no
 * {@code java.lang.reflect} type, and no reflective lookups through {@code java.lang.Class}.
 */
class NoReflectionTest {

  static JavaClasses meshClasses;

  @BeforeAll
  static void importClasses() {
    meshClasses =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.datapunk.mesh.runtime", "dev.datapunk.mesh.sample");
  }

  @Test
  void runtimeAndGeneratedCodeDoNotDependOnJavaLangReflect() {
    noClasses()
        .should()
        .dependOnClassesThat()
        .resideInAPackage("java.lang.reflect..")
        .because("policies and wiring are decided at compile time")
        .check(meshClasses);
  }

  @Test
  void runtimeAndGeneratedCodeMakeNoReflectiveLookups() {
    noClasses()
        .should()
        .callMethod(Class.class, "forName", String.class)
        .orShould()
        .callMethodWhere(
            com.tngtech.archunit.core.domain.JavaCall.Predicates.target(
                    com.tngtech.archunit.core.domain.properties.HasName.Predicates.nameMatching(
                        "getDeclared(Method|Methods|Field|Fields|Constructor|Constructors)|getMethods?|getFields?|getConstructors?|newInstance"))
                .and(
                    com.tngtech.archunit.core.domain.JavaCall.Predicates.target(
                        com.tngtech.archunit.core.domain.properties.HasOwner.Predicates.With.owner(
                            com.tngtech.archunit.core.domain.JavaClass.Predicates.equivalentTo(
                                Class.class)))))
        .check(meshClasses);
  }

  @Test
  void theImportSeesTheRuntimeAndTheGeneratedBinding() {
    org.assertj.core.api.Assertions.assertThat(
            meshClasses.contain("dev.datapunk.mesh.runtime.server.MeshServer"))
        .isTrue();
    org.assertj.core.api.Assertions.assertThat(
            meshClasses.contain("dev.datapunk.mesh.sample.InventoryService_MeshBinding"))
        .isTrue();
  }
}
