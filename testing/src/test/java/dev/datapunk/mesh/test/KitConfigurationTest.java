package dev.datapunk.mesh.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.datapunk.mesh.runtime.config.ConfigException;
import dev.datapunk.mesh.runtime.settings.AppSettings;
import dev.datapunk.mesh.test.probe.MeshMain;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Configuration of the kit's server: the production loader, on the arguments and environment given
 * only.
 */
class KitConfigurationTest {

  @Test
  void argumentsAndTheGivenEnvironmentReachTheServerAndAppSettings() {
    try (MeshTestServer mesh =
        MeshTestServer.builder(MeshMain.module())
            .args("--app.greeting=Hi", "--server.worker-threads=3")
            .env(Map.of("MESH_APP_DB_POOL__SIZE", "7", "MESH_SERVER_SHUTDOWN_GRACE", "2s"))
            .start()) {
      assertThat(mesh.config().server().workerThreads()).isEqualTo(3);
      assertThat(mesh.config().server().shutdownGrace()).hasSeconds(2);
      assertThat(AppSettings.current().getString("app.greeting")).contains("Hi");
      assertThat(AppSettings.current().getInt("app.db.pool-size")).contains(7);
    }
  }

  @Test
  void aModuleSupplierCreatesTheServicesOnceAppSettingsAreReadable() {
    AtomicReference<String> seenByConstructor = new AtomicReference<>();
    try (MeshTestServer mesh =
        MeshTestServer.builder(
                () -> {
                  seenByConstructor.set(AppSettings.current().getString("app.greeting", "unset"));
                  return MeshMain.module();
                })
            .args("--app.greeting=Bonjour")
            .start()) {
      assertThat(mesh.meshServer().serviceNames())
          .containsExactly("meshtest.probe.v1.ProbeService");
    }
    assertThat(seenByConstructor).hasValue("Bonjour");
  }

  @Test
  void meshClientsAreRefusedNamingTheKey() {
    assertThatThrownBy(
            () ->
                MeshTestServer.builder(MeshMain.module())
                    .args("--client.inventory.target=127.0.0.1:50051")
                    .start())
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("client.inventory.*: the mesh test server starts no mesh clients");
  }

  @Test
  void aBadKeyOrValueFailsNamingTheKey() {
    assertThatThrownBy(
            () ->
                MeshTestServer.builder(MeshMain.module())
                    .args("--server.worker-threads=many")
                    .start()
                    .close())
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("server.worker-threads");
    assertThatThrownBy(
            () -> MeshTestServer.builder(MeshMain.module()).args("--no.such-key=1").start().close())
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("no.such-key");
    assertThatThrownBy(
            () -> MeshTestServer.builder(MeshMain.module()).args("positional").start().close())
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("--key=value");
  }

  @Test
  void theRedisBackendIsRefusedNamingTheKey() {
    assertThatThrownBy(
            () ->
                MeshTestServer.builder(MeshMain.module())
                    .args("--ratelimit.backend=redis")
                    .start()
                    .close())
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "ratelimit.backend: the mesh test server keeps rate limits in process, on its test"
                + " clock; redis (from command line --ratelimit.backend) is not supported");
  }
}
