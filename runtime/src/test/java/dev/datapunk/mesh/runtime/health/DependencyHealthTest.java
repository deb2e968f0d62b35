package dev.datapunk.mesh.runtime.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.datapunk.mesh.runtime.UnprotectedSimpleService;
import dev.datapunk.mesh.runtime.config.ConfigLoader;
import dev.datapunk.mesh.runtime.ratelimit.LocalRateLimiterBackend;
import dev.datapunk.mesh.runtime.security.TokenRejectedException;
import dev.datapunk.mesh.runtime.server.MeshServer;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Dependency checks feed grpc.health.v1 on a real server, from their own thread. */
class DependencyHealthTest {

  private static final String SERVICE = "grpc.testing.SimpleService";

  private MeshServer server;
  private ManagedChannel channel;
  private final LocalRateLimiterBackend limiter = LocalRateLimiterBackend.create();

  @AfterEach
  void stop() {
    if (channel != null) {
      channel.shutdownNow();
    }
    if (server != null) {
      server.close();
    }
    limiter.close();
  }

  @Test
  void aFailingCheckTurnsEverythingNotServingAndARecoveredOneBack(@TempDir Path dir) {
    AtomicBoolean redisUp = new AtomicBoolean(true);
    start(dir, HealthCheck.of("redis", redisUp::get));
    assertThat(check("")).isEqualTo(ServingStatus.SERVING);
    assertThat(check(SERVICE)).isEqualTo(ServingStatus.SERVING);

    redisUp.set(false);
    await().atMost(Duration.ofSeconds(5)).until(() -> check("") == ServingStatus.NOT_SERVING);
    assertThat(check(SERVICE)).isEqualTo(ServingStatus.NOT_SERVING);

    redisUp.set(true);
    await().atMost(Duration.ofSeconds(5)).until(() -> check("") == ServingStatus.SERVING);
    assertThat(check(SERVICE)).isEqualTo(ServingStatus.SERVING);
  }

  @Test
  void aCheckThatFailsAtStartKeepsTheServerNotServingAndAThrowingCheckFails(@TempDir Path dir) {
    start(
        dir,
        new HealthCheck() {
          @Override
          public String name() {
            return "broken";
          }

          @Override
          public boolean isHealthy() throws Exception {
            throw new java.io.IOException("connection refused");
          }
        });
    assertThat(check("")).isEqualTo(ServingStatus.NOT_SERVING);
    assertThat(check(SERVICE)).isEqualTo(ServingStatus.NOT_SERVING);
  }

  @Test
  void aHangingCheckNeverDelaysAHealthCall(@TempDir Path dir) throws Exception {
    CountDownLatch hanging = new CountDownLatch(1);
    AtomicBoolean hang = new AtomicBoolean(false);
    start(
        dir,
        HealthCheck.of(
            "slow",
            () -> {
              if (hang.get()) {
                hanging.countDown();
                try {
                  Thread.sleep(60_000);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              }
              return true;
            }));
    hang.set(true);
    assertThat(hanging.await(10, TimeUnit.SECONDS)).isTrue();
    // The check is stuck on its own thread for a minute; health calls still answer with the last
    // result (the deadline only has to be far shorter than the hang).
    for (int i = 0; i < 20; i++) {
      assertThat(
              HealthGrpc.newBlockingStub(channel)
                  .withDeadlineAfter(10, TimeUnit.SECONDS)
                  .check(HealthCheckRequest.getDefaultInstance())
                  .getStatus())
          .isEqualTo(ServingStatus.SERVING);
    }
  }

  private void start(Path dir, HealthCheck check) {
    var config =
        ConfigLoader.load(
                new String[] {
                  "--server.host=127.0.0.1",
                  "--server.port=0",
                  "--metrics.port=0",
                  "--health.check-interval=50ms",
                  "--server.shutdown-grace=1s"
                },
                Map.of(),
                dir)
            .config();
    server =
        MeshServer.builder(config)
            .bindings(List.of(UnprotectedSimpleService.binding()))
            .credentials(InsecureServerCredentials.create(), false)
            .meterRegistry(new SimpleMeterRegistry())
            .tokenVerifier(
                token -> {
                  throw new TokenRejectedException(TokenRejectedException.Reason.BAD_SIGNATURE);
                })
            .rateLimiterBackend(limiter)
            .healthCheck(check)
            .build()
            .start();
    channel =
        Grpc.newChannelBuilderForAddress(
                "127.0.0.1", server.port(), InsecureChannelCredentials.create())
            .build();
  }

  private ServingStatus check(String service) {
    return HealthGrpc.newBlockingStub(channel)
        .withDeadlineAfter(5, TimeUnit.SECONDS)
        .check(HealthCheckRequest.newBuilder().setService(service).build())
        .getStatus();
  }
}
