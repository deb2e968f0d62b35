package dev.datapunk.mesh.bench.jmh;

import dev.datapunk.mesh.bench.service.EchoMeshService;
import dev.datapunk.mesh.bench.service.EchoMeshService_MeshBinding;
import dev.datapunk.mesh.bench.v1.EchoServiceGrpc;
import dev.datapunk.mesh.runtime.MeshBinding;
import dev.datapunk.mesh.runtime.chain.CallChain;
import dev.datapunk.mesh.runtime.metrics.MeshMeters;
import dev.datapunk.mesh.runtime.metrics.MetricsStage;
import dev.datapunk.mesh.runtime.policy.MethodPolicy;
import dev.datapunk.mesh.runtime.ratelimit.RateLimitStage;
import dev.datapunk.mesh.runtime.ratelimit.RateLimiterBackend;
import dev.datapunk.mesh.runtime.security.AuthDecisionListener;
import dev.datapunk.mesh.runtime.security.SecurityStages;
import dev.datapunk.mesh.runtime.security.TokenVerifier;
import dev.datapunk.mesh.runtime.tracing.TracingStage;
import io.grpc.ServerServiceDefinition;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Map;

/**
 * What stands between the transport and the echo service in {@link CallChainBenchmark}: nothing
 * (bare grpc-java), one stage alone, or the whole mesh chain built from the generated binding.
 */
public enum ChainVariant {

  /** The service's plain {@code bindService()}, no interceptor. */
  BARE,
  /** The metrics stage alone, on an open method. */
  METRICS,
  /** Token verification alone (cached token), on a secured method. */
  AUTHENTICATION,
  /** Authentication and the scope check. */
  SECURITY,
  /** The rate-limit stage alone, on an open limited method (keyed on the remote address). */
  RATE_LIMIT,
  /**
   * Every stage, in the server's order, around the generated {@code EchoMeshService_MeshBinding}.
   */
  MESH,
  /**
   * The tracing stage alone, on an open method, every call sampled: the span's side on the call's
   * thread (the in-process transport has no TCP addresses, so no {@code network.*} attributes).
   */
  TRACING,
  /** {@link #MESH} with the tracing stage outermost and the stages' decisions on the span. */
  MESH_TRACED;

  private static final MethodPolicy OPEN =
      MethodPolicy.builder(EchoServiceGrpc.getEchoMethod()).build();
  private static final MethodPolicy SECURED =
      MethodPolicy.builder(EchoServiceGrpc.getEchoMethod())
          .requireScopes(EchoMeshService.SCOPE)
          .build();
  private static final MethodPolicy LIMITED =
      MethodPolicy.builder(EchoServiceGrpc.getEchoMethod())
          .rateLimit(Limits.RATE, Limits.RATE)
          .build();

  /** The engines the stages use. */
  public record Engines(
      MeterRegistry registry,
      TokenVerifier verifier,
      RateLimiterBackend limiter,
      TracingStage tracing) {}

  /** The definition to serve for this variant around {@code service}. */
  public ServerServiceDefinition definition(EchoMeshService service, Engines engines) {
    return switch (this) {
      case BARE -> service.bindService();
      case METRICS ->
          CallChain.of(new MetricsStage(engines.registry()))
              .wrap(service.bindService(), List.of(OPEN));
      case AUTHENTICATION ->
          CallChain.of(SecurityStages.authentication(engines.verifier(), false))
              .wrap(service.bindService(), List.of(SECURED));
      case SECURITY ->
          CallChain.of(
                  SecurityStages.authentication(engines.verifier(), false),
                  SecurityStages.authorization())
              .wrap(service.bindService(), List.of(SECURED));
      case RATE_LIMIT ->
          CallChain.of(
                  new RateLimitStage(
                      engines.limiter(), Map.of(), new MeshMeters(engines.registry())))
              .wrap(service.bindService(), List.of(LIMITED));
      case MESH -> {
        MeshBinding binding = new EchoMeshService_MeshBinding(service);
        yield CallChain.of(
                new MetricsStage(engines.registry()),
                SecurityStages.authentication(engines.verifier(), false),
                SecurityStages.authorization(),
                new RateLimitStage(engines.limiter(), Map.of(), new MeshMeters(engines.registry())))
            .wrap(binding.bindService(), binding.policies());
      }
      case TRACING -> CallChain.of(engines.tracing()).wrap(service.bindService(), List.of(OPEN));
      case MESH_TRACED -> {
        MeshBinding binding = new EchoMeshService_MeshBinding(service);
        TracingStage tracing = engines.tracing();
        AuthDecisionListener.Factory decisions =
            SecurityStages.oncePerMethod(tracing.authDecisions());
        yield CallChain.of(
                tracing,
                new MetricsStage(engines.registry()),
                SecurityStages.authentication(engines.verifier(), false, decisions),
                SecurityStages.authorization(decisions),
                new RateLimitStage(
                    engines.limiter(),
                    Map.of(),
                    new MeshMeters(engines.registry()),
                    tracing.rateLimitDecisions()))
            .wrap(binding.bindService(), binding.policies());
      }
    };
  }
}
