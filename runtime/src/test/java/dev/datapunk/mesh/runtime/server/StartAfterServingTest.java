package dev.datapunk.mesh.runtime.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.datapunk.mesh.runtime.UnprotectedSimpleService;
import dev.datapunk.mesh.runtime.config.ConfigLoader;
import dev.datapunk.mesh.runtime.ratelimit.LocalRateLimiterBackend;
import dev.datapunk.mesh.runtime.security.TokenRejectedException;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What is started after SERVING (the JVM meters in production) runs once health says SERVING, and
 * is closed with the server.
 */
class StartAfterServingTest {

  private final LocalRateLimiterBackend limiter = LocalRateLimiterBackend.create();
  private MeshServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
    limiter.close();
  }

  @Test
  void runsOnceHealthSaysServingBeforeStartReturnsAndIsClosedWithTheServer(@TempDir Path dir) {
    AtomicReference<MeshServer> built = new AtomicReference<>();
    AtomicReference<ServingStatus> statusWhenRun = new AtomicReference<>();
    AtomicBoolean closed = new AtomicBoolean();
    server =
        builder(dir)
            .startAfterServing(
                () -> {
                  statusWhenRun.set(health(built.get().port()));
                  return () -> closed.set(true);
                })
            .build();
    built.set(server);
    server.start();

    assertThat(statusWhenRun.get()).isEqualTo(ServingStatus.SERVING);
    assertThat(closed).isFalse();
    server.close();
    assertThat(closed).isTrue();
  }

  @Test
  void aFailureClosesTheServerAndStartThrows(@TempDir Path dir) {
    AtomicReference<MeshServer> built = new AtomicReference<>();
    AtomicReference<Integer> port = new AtomicReference<>();
    server =
        builder(dir)
            .startAfterServing(
                () -> {
                  port.set(built.get().port());
                  throw new IllegalStateException("binder failed");
                })
            .build();
    built.set(server);

    assertThatThrownBy(server::start)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("binder failed");
    assertThatThrownBy(() -> health(port.get())).isInstanceOf(StatusRuntimeException.class);
  }

  private MeshServerBuilder builder(Path dir) {
    var config =
        ConfigLoader.load(
                new String[] {
                  "--server.host=127.0.0.1",
                  "--server.port=0",
                  "--metrics.port=0",
                  "--server.shutdown-grace=1s"
                },
                Map.of(),
                dir)
            .config();
    return MeshServer.builder(config)
        .bindings(List.of(UnprotectedSimpleService.binding()))
        .credentials(InsecureServerCredentials.create(), false)
        .meterRegistry(new SimpleMeterRegistry())
        .tokenVerifier(
            token -> {
              throw new TokenRejectedException(TokenRejectedException.Reason.BAD_SIGNATURE);
            })
        .rateLimiterBackend(limiter);
  }

  private static ServingStatus health(int port) {
    ManagedChannel channel =
        Grpc.newChannelBuilderForAddress("127.0.0.1", port, InsecureChannelCredentials.create())
            .build();
    try {
      return HealthGrpc.newBlockingStub(channel)
          .withDeadlineAfter(5, TimeUnit.SECONDS)
          .check(HealthCheckRequest.getDefaultInstance())
          .getStatus();
    } finally {
      channel.shutdownNow();
    }
  }
}
