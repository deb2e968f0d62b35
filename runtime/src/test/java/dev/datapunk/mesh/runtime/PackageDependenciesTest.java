package dev.datapunk.mesh.runtime;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The runtime's package structure: the engines (tls, security, ratelimit, limits, logging, metrics,
 * health, files, policy, chain) know neither the configuration nor the server that wires them; only
 * the server uses the top-level package, the API of generated code. {@code runtime.settings}, the
 * application's own {@code app.*} keys for service code, is a view of the configuration, not an
 * engine.
 *
 * <p>One cycle is allowed, between the top-level package and {@code runtime.server}: {@link
 * MeshApplication} (top level, called by the generated bootstrap) starts a server, and the server
 * serves {@link MeshBinding}s (top level, implemented by generated code). Both types are where
 * generated code expects them, so the cycle stays; the rules pin it to exactly these two packages.
 */
class PackageDependenciesTest {

  private static final String RUNTIME = "dev.datapunk.mesh.runtime";
  private static final String CONFIG = RUNTIME + ".config..";
  private static final String SERVER = RUNTIME + ".server..";
  private static final String SETTINGS = RUNTIME + ".settings..";

  private static final JavaClasses MAIN =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages(RUNTIME);

  @Test
  void theImportSeesEveryPackage() {
    for (String name :
        new String[] {
          RUNTIME + ".MeshBinding",
          RUNTIME + ".server.MeshServer",
          RUNTIME + ".config.MeshConfig",
          RUNTIME + ".chain.CallChain",
          RUNTIME + ".tls.ServerTls"
        }) {
      assertThat(MAIN.contain(name)).as(name).isTrue();
    }
  }

  @Test
  void enginesDependNeitherOnTheConfigurationNorOnTheServer() {
    noClasses()
        .that()
        .resideInAPackage(RUNTIME + "..")
        .and()
        .resideOutsideOfPackages(RUNTIME, CONFIG, SERVER, SETTINGS)
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(CONFIG, SERVER)
        .because(
            "configuration is turned into engines in runtime.server; engines take their own"
                + " settings types")
        .check(MAIN);
  }

  @Test
  void onlyTheServerUsesTheTopLevelPackage() {
    noClasses()
        .that()
        .resideInAPackage(RUNTIME + "..")
        .and()
        .resideOutsideOfPackages(RUNTIME, SERVER)
        .should()
        .dependOnClassesThat()
        .resideInAPackage(RUNTIME)
        .because(
            "the call chain takes a definition and policies, not a MeshBinding; the top level is"
                + " the API of generated code")
        .check(MAIN);
  }

  @Test
  void subpackagesAreFreeOfCycles() {
    slices().matching(RUNTIME + ".(**)").should().beFreeOfCycles().check(MAIN);
  }
}
