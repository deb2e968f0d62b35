package dev.datapunk.mesh.runtime.health;

import io.grpc.BindableService;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.protobuf.services.HealthStatusManager;
import java.util.List;

/**
 * The server's answers to grpc.health.v1: each mesh service and the overall service {@code ""}.
 *
 * <p>SERVING exactly while the server has started, has not begun shutting down, and every
 * dependency check passes ({@link HealthCheckScheduler}); NOT_SERVING otherwise. {@link
 * #shuttingDown()} turns everything NOT_SERVING for good, before the server stops accepting calls,
 * so load balancers and probes stop sending traffic first.
 *
 * <p>Health calls only read the state kept by grpc-java's {@link HealthStatusManager}; nothing here
 * runs on a health call.
 */
public final class ServingStatus {

  /** The name grpc.health.v1 uses for the server as a whole. */
  public static final String OVERALL = HealthStatusManager.SERVICE_NAME_ALL_SERVICES;

  private final HealthStatusManager manager = new HealthStatusManager();
  private final List<String> services;
  private boolean started;
  private boolean dependenciesHealthy = true;
  private boolean terminal;

  /** NOT_SERVING for {@code services} and {@code ""} until {@link #serving()}. */
  public ServingStatus(List<String> services) {
    this.services = List.copyOf(services);
    set(HealthCheckResponse.ServingStatus.NOT_SERVING);
  }

  /** The grpc.health.v1.Health service to register with the server. */
  public BindableService healthService() {
    return manager.getHealthService();
  }

  /** The server accepts calls: SERVING unless a dependency check fails. */
  public synchronized void serving() {
    started = true;
    update();
  }

  /** The latest result of the dependency checks: all pass, or not. */
  public synchronized void dependenciesHealthy(boolean healthy) {
    dependenciesHealthy = healthy;
    update();
  }

  /** Shutdown began: NOT_SERVING from now on, whatever happens next. */
  public synchronized void shuttingDown() {
    terminal = true;
    manager.enterTerminalState();
  }

  /** What {@code ""} answers now. */
  public synchronized HealthCheckResponse.ServingStatus overall() {
    return started && dependenciesHealthy && !terminal
        ? HealthCheckResponse.ServingStatus.SERVING
        : HealthCheckResponse.ServingStatus.NOT_SERVING;
  }

  private void update() {
    if (!terminal) {
      set(overall());
    }
  }

  private void set(HealthCheckResponse.ServingStatus status) {
    manager.setStatus(OVERALL, status);
    for (String service : services) {
      manager.setStatus(service, status);
    }
  }
}
