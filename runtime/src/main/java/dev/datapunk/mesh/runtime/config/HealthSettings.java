package dev.datapunk.mesh.runtime.config;

import static dev.datapunk.mesh.runtime.config.ConfigKeys.HEALTH_CHECK_INTERVAL;
import static dev.datapunk.mesh.runtime.config.ConfigKeys.HEALTH_ENABLED;

import java.time.Duration;

/**
 * The grpc.health.v1 service and the dependency checks behind it ({@code health.*}).
 *
 * @param enabled {@code health.enabled}
 * @param checkInterval {@code health.check-interval}: how often dependency health checks run
 */
public record HealthSettings(boolean enabled, Duration checkInterval) {

  static HealthSettings of(MeshConfig config) {
    return new HealthSettings(config.get(HEALTH_ENABLED), config.get(HEALTH_CHECK_INTERVAL));
  }
}
