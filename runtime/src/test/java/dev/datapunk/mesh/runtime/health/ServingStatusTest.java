package dev.datapunk.mesh.runtime.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import java.util.List;
import org.junit.jupiter.api.Test;

/** SERVING exactly while started, not shutting down, and every dependency passes. */
class ServingStatusTest {

  @Test
  void servingOnlyWhenStartedAndHealthyAndNeverAgainAfterShutdownBegan() {
    dev.datapunk.mesh.runtime.health.ServingStatus status =
        new dev.datapunk.mesh.runtime.health.ServingStatus(List.of("a.B"));
    assertThat(status.overall()).isEqualTo(ServingStatus.NOT_SERVING);
    status.dependenciesHealthy(false);
    status.serving();
    assertThat(status.overall()).isEqualTo(ServingStatus.NOT_SERVING);
    status.dependenciesHealthy(true);
    assertThat(status.overall()).isEqualTo(ServingStatus.SERVING);
    status.shuttingDown();
    assertThat(status.overall()).isEqualTo(ServingStatus.NOT_SERVING);
    status.dependenciesHealthy(true);
    status.serving();
    assertThat(status.overall()).isEqualTo(ServingStatus.NOT_SERVING);
  }
}
