package dev.datapunk.mesh.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.datapunk.mesh.runtime.errors.ExceptionHandlers;
import dev.datapunk.mesh.runtime.errors.HandlerResults;
import dev.datapunk.mesh.runtime.health.HealthCheck;
import dev.datapunk.mesh.runtime.server.MeshServer;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A module's parts reach the server, and a module that cannot work is refused when built. */
class MeshModuleTest {

  @Test
  void aFailingHealthCheckOfTheModuleTurnsHealthNotServing(@TempDir Path dir) {
    AtomicBoolean storeLoaded = new AtomicBoolean(true);
    MeshModule module =
        MeshModule.builder()
            .binding(UnprotectedSimpleService.binding())
            .healthCheck(HealthCheck.of("store", storeLoaded::get))
            .build();
    try (MeshServer server =
        MeshApplication.start(
            new String[] {
              "--server.host=127.0.0.1",
              "--server.port=0",
              "--tls.mode=plaintext",
              "--metrics.port=0",
              "--health.check-interval=50ms"
            },
            module,
            Map.of(),
            dir)) {
      ManagedChannel channel =
          Grpc.newChannelBuilderForAddress(
                  "127.0.0.1", server.port(), InsecureChannelCredentials.create())
              .build();
      try {
        assertThat(health(channel)).isEqualTo(ServingStatus.SERVING);
        storeLoaded.set(false);
        await()
            .atMost(Duration.ofSeconds(5))
            .until(() -> health(channel) == ServingStatus.NOT_SERVING);
        storeLoaded.set(true);
        await().atMost(Duration.ofSeconds(5)).until(() -> health(channel) == ServingStatus.SERVING);
      } finally {
        channel.shutdownNow();
      }
    }
  }

  @Test
  void aStageForAServiceTheModuleDoesNotServeIsRefused() {
    MeshModule.Builder builder =
        MeshModule.builder()
            .binding(UnprotectedSimpleService.binding())
            .stage(policy -> null, "mesh.test.Nowhere");
    IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, builder::build);
    assertThat(refused)
        .hasMessageContaining(
            "is for gRPC service mesh.test.Nowhere, which no binding of the module"
                + " serves (it serves [grpc.testing.SimpleService])");
  }

  @Test
  void toBuilderKeepsEveryPart() {
    ExceptionHandlers handlers =
        ExceptionHandlers.builder()
            .on(
                IllegalStateException.class,
                (e, trailers) -> HandlerResults.of(Status.INTERNAL, trailers))
            .build();
    HealthCheck check = HealthCheck.of("store", () -> true);
    MeshModule module =
        MeshModule.builder()
            .stage(policy -> null, "grpc.testing.SimpleService")
            .healthCheck(check)
            .exceptionHandlers(handlers)
            .binding(UnprotectedSimpleService.binding())
            .build();

    MeshModule copy = module.toBuilder().build();
    assertThat(copy.bindings()).isEqualTo(module.bindings());
    assertThat(copy.stages()).isEqualTo(module.stages()).hasSize(1);
    assertThat(copy.healthChecks()).containsExactly(check);
    assertThat(copy.exceptionHandlers()).isSameAs(handlers);
  }

  private static ServingStatus health(ManagedChannel channel) {
    return HealthGrpc.newBlockingStub(channel)
        .withDeadlineAfter(5, TimeUnit.SECONDS)
        .check(HealthCheckRequest.getDefaultInstance())
        .getStatus();
  }
}
