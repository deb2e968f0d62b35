package dev.datapunk.mesh.runtime.health;

import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * A dependency the server needs in order to serve, e.g. the Redis of {@code
 * ratelimit.backend=redis} with {@code failure-mode=deny}. While any check fails, grpc.health.v1
 * answers NOT_SERVING for the server and every mesh service.
 *
 * <p>Checks run on one scheduler thread every {@code health.check-interval}, never on a health call
 * or any other call: a health call only reads the last result. A check should therefore bound its
 * own time (e.g. a ping with a timeout): a slow check delays the next round, not a caller.
 */
public interface HealthCheck {

  /** A short, fixed name for logs, e.g. {@code redis}. */
  String name();

  /**
   * Whether the dependency is usable now. Throwing counts as unhealthy (the exception is logged
   * when the result changes).
   */
  boolean isHealthy() throws Exception;

  /** A check named {@code name} that asks {@code probe}. */
  static HealthCheck of(String name, BooleanSupplier probe) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(probe, "probe");
    return new HealthCheck() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public boolean isHealthy() {
        return probe.getAsBoolean();
      }

      @Override
      public String toString() {
        return "HealthCheck[" + name + "]";
      }
    };
  }
}
