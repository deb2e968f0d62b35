package dev.datapunk.mesh.runtime.metrics;

import dev.datapunk.mesh.runtime.chain.CallStage;
import dev.datapunk.mesh.runtime.policy.MethodPolicy;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.grpc.ServerInterceptor;
import io.grpc.ServerStreamTracer;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The metrics stage: every method gets one, with its meters created here, at bind time.
 *
 * <p>Besides the per-method meters it keeps {@code mesh.server.calls.active}, the number of calls
 * in flight across all methods.
 */
public final class MetricsStage implements CallStage {

  static final String CALLS_ACTIVE = "mesh.server.calls.active";

  private final MeterRegistry registry;
  private final AtomicInteger activeCalls = new AtomicInteger();
  private final TransportStatus.Factory tracerFactory = new TransportStatus.Factory();

  public MetricsStage(MeterRegistry registry) {
    this.registry = registry;
    Gauge.builder(CALLS_ACTIVE, activeCalls, AtomicInteger::get)
        .description("Calls in flight")
        .baseUnit("calls")
        .register(registry);
  }

  @Override
  public ServerInterceptor interceptorFor(MethodPolicy policy) {
    return new MetricsInterceptor(new MethodMetrics(registry, policy.method()), activeCalls);
  }

  /**
   * The stream tracer factory to register with the server ({@code addStreamTracerFactory}), so that
   * calls the transport ends (oversized request, server-side deadline) are counted with the status
   * the client saw rather than as CANCELLED.
   */
  public ServerStreamTracer.Factory streamTracerFactory() {
    return tracerFactory;
  }

  /** Calls in flight right now across all methods of the server. */
  public int activeCalls() {
    return activeCalls.get();
  }
}
