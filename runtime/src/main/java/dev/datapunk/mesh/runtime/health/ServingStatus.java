package dev.datapunk.mesh.runtime.health;

import io.grpc.BindableService;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.protobuf.services.HealthStatusManager;
import java.util.List;

/**
 * The server's answers to grpc.health.v1: each mesh service and the overall service {@code ""}.
 *
 * <p>Everything is NOT_SERVING until {@link #serving()}; {@link #shuttingDown()} turns everything
 * NOT_SERVING for good, before the server stops accepting calls, so load balancers and probes
 * stop sending traffic first.
 */
public final class ServingStatus {

  /** The name grpc.health.v1 uses for the server as a whole. */
  public static final String OVERALL = HealthStatusManager.SERVICE_NAME_ALL_SERVICES;

  private final HealthStatusManager manager = new HealthStatusManager();
  private final List<String> services;

  public ServingStatus(List<String> services) {
    this.services = List.copyOf(services);
    set(HealthCheckResponse.ServingStatus.NOT_SERVING);
  }

  /** The grpc.health.v1.Health service to register with the server. */
  public BindableService healthService() {
    return manager.getHealthService();
  }

  /** Every service and the server are ready for calls. */
  public void serving() {
    set(HealthCheckResponse.ServingStatus.SERVING);
  }

  /** Shutdown began: NOT_SERVING from now on, whatever happens next. */
  public void shuttingDown() {
    manager.enterTerminalState();
  }

  private void set(HealthCheckResponse.ServingStatus status) {
    manager.setStatus(OVERALL, status);
    for (String service : services) {
      manager.setStatus(service, status);
    }
  }
}
