package dev.datapunk.mesh.runtime.ratelimit;

import dev.datapunk.mesh.runtime.chain.CallStage;
import dev.datapunk.mesh.runtime.config.RateLimitOverride;
import dev.datapunk.mesh.runtime.metrics.MeshMeters;
import dev.datapunk.mesh.runtime.policy.MethodPolicy;
import dev.datapunk.mesh.runtime.policy.RateLimitSpec;
import io.grpc.ServerInterceptor;
import java.util.Map;
import java.util.Optional;

/**
 * The rate-limit stage: each {@code @RateLimit} method gets its own limiter from the backend,
 * created here at bind time with the annotation's limit or the configured override of it.
 */
public final class RateLimitStage implements CallStage {

  private final RateLimiterBackend backend;
  private final Map<String, RateLimitOverride> overrides;
  private final MeshMeters meters;

  /**
   * @param meters where each method's {@code mesh.ratelimit.decisions} are counted; created per
   *     method here, at bind time
   */
  public RateLimitStage(RateLimiterBackend backend, Map<String, RateLimitOverride> overrides, MeshMeters meters) {
    this.backend = backend;
    this.overrides = Map.copyOf(overrides);
    this.meters = meters;
  }

  @Override
  public ServerInterceptor interceptorFor(MethodPolicy policy) {
    Optional<RateLimitSpec> spec = effectiveLimit(policy);
    if (spec.isEmpty()) {
      return null;
    }
    String method = policy.fullMethodName();
    return new RateLimitInterceptor(method, backend.forMethod(method, spec.get()),
        meters.rateLimitDecisions(method, backend.name()));
  }

  /**
   * The limit that applies to {@code policy}'s method: the annotation's, with the configured
   * override's values replacing its own. A method without {@code @RateLimit} gets a limit from
   * configuration only when the override gives both rps and burst.
   *
   * @throws IllegalArgumentException when an override cannot make a complete, valid limit
   */
  public Optional<RateLimitSpec> effectiveLimit(MethodPolicy policy) {
    RateLimitOverride override = overrides.get(policy.fullMethodName());
    if (override == null) {
      return policy.rateLimit();
    }
    String key = "ratelimit.override." + policy.fullMethodName();
    if (policy.rateLimit().isPresent()) {
      return Optional.of(override.applyTo(policy.rateLimit().get()));
    }
    if (override.rps().isEmpty() || override.burst().isEmpty()) {
      throw new IllegalArgumentException(key + ": " + policy.fullMethodName()
          + " has no @RateLimit, so its override needs both .rps and .burst");
    }
    return Optional.of(new RateLimitSpec(override.rps().getAsDouble(), override.burst().getAsInt()));
  }
}
