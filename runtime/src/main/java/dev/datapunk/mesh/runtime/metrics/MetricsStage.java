package dev.datapunk.mesh.runtime.metrics;

import dev.datapunk.mesh.runtime.chain.CallStage;
import dev.datapunk.mesh.runtime.errors.ExceptionMapper;
import dev.datapunk.mesh.runtime.policy.MethodPolicy;
import io.grpc.ServerInterceptor;
import io.grpc.ServerStreamTracer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The metrics stage: every method gets one, with its meters created here, at bind time.
 *
 * <p>Besides the per-method meters it keeps {@code mesh.server.calls.active}, the number of calls
 * in flight across all methods. It also ends calls that raise an exception, with the status the
 * exception's service maps it to (see {@link ExceptionMapper}).
 */
public final class MetricsStage implements CallStage {

  static final String CALLS_ACTIVE = "mesh.server.calls.active";

  private final MeterRegistry registry;
  private final Map<String, ExceptionMapper> exceptionMappers;
  private final AtomicInteger activeCalls = new AtomicInteger();
  private final TransportStatus.Factory tracerFactory = new TransportStatus.Factory();

  /** Records into {@code registry}; every exception a call raises ends it {@code UNKNOWN}. */
  public MetricsStage(MeterRegistry registry) {
    this(registry, Map.of());
  }

  /**
   * Records into {@code registry}; an exception a call raises ends it with the status the mapper of
   * the call's gRPC service (by service name) gives, or {@code UNKNOWN} for a service without one.
   */
  public MetricsStage(MeterRegistry registry, Map<String, ExceptionMapper> exceptionMappers) {
    this.registry = registry;
    this.exceptionMappers = Map.copyOf(exceptionMappers);
    Gauge.builder(CALLS_ACTIVE, activeCalls, AtomicInteger::get)
        .description("Calls in flight")
        .baseUnit("calls")
        .register(registry);
  }

  @Override
  public ServerInterceptor interceptorFor(MethodPolicy policy) {
    ExceptionMapper exceptions =
        exceptionMappers.getOrDefault(policy.method().getServiceName(), ExceptionMapper.UNMAPPED);
    return new MetricsInterceptor(
        new MethodMetrics(registry, policy.method()), activeCalls, exceptions);
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
