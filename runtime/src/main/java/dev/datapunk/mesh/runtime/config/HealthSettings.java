package dev.datapunk.mesh.runtime.config;

import static dev.datapunk.mesh.runtime.config.ConfigKeys.HEALTH_CHECK_INTERVAL;
import static dev.datapunk.mesh.runtime.config.ConfigKeys.HEALTH_ENABLED;
import static dev.datapunk.mesh.runtime.config.ConfigKeys.HEALTH_PORT;

import java.time.Duration;

/**
 * The grpc.health.v1 service and the dependency checks behind it ({@code health.*}).
 *
 * @param enabled {@code health.enabled}
 * @param port {@code health.port}: a plaintext port serving only grpc.health.v1; 0 means none
 * @param checkInterval {@code health.check-interval}: how often dependency health checks run
 */
public record HealthSettings(boolean enabled, int port, Duration checkInterval) {

  static HealthSettings of(MeshConfig config) {
    return new HealthSettings(
        config.get(HEALTH_ENABLED), config.get(HEALTH_PORT), config.get(HEALTH_CHECK_INTERVAL));
  }
}
