package dev.datapunk.mesh.runtime.ratelimit;

import dev.datapunk.mesh.runtime.chain.AdmissionListener;
import dev.datapunk.mesh.runtime.chain.CallStage;
import dev.datapunk.mesh.runtime.metrics.MeshMeters;
import dev.datapunk.mesh.runtime.policy.MethodPolicy;
import dev.datapunk.mesh.runtime.policy.RateLimitSpec;
import io.grpc.ServerInterceptor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The rate-limit stage: each {@code @RateLimit} method gets its own limiter from the backend,
 * created here at bind time with the annotation's limit or the configured override of it.
 *
 * <p>The overrides can be replaced while the server runs ({@link #prepareOverrides}): each limiter
 * then gets its method's new effective limit through {@link MethodRateLimiter#updateSpec}, and a
 * removed override restores the annotation's limit. Only methods that had a limit at bind time can
 * change: giving a limit to a method without one, or taking a method's only limit away, needs a
 * restart.
 */
public final class RateLimitStage implements CallStage {

  private final RateLimiterBackend backend;
  private volatile Map<String, RateLimitOverride> overrides;
  private final MeshMeters meters;
  private final AdmissionListener.Factory listeners;
  private final Map<String, Bound> bound = new ConcurrentHashMap<>();

  /** A limiter made at bind time, with the policy it was made for. */
  private record Bound(MethodPolicy policy, MethodRateLimiter limiter) {}

  /**
   * @param meters where each method's {@code mesh.ratelimit.decisions} are counted; created per
   *     method here, at bind time
   */
  public RateLimitStage(
      RateLimiterBackend backend, Map<String, RateLimitOverride> overrides, MeshMeters meters) {
    this(backend, overrides, meters, AdmissionListener.Factory.NONE);
  }

  /**
   * @param meters where each method's {@code mesh.ratelimit.decisions} are counted; created per
   *     method here, at bind time
   * @param listeners also told each decision (the tracing stage's); asked once per limited method,
   *     at bind time
   */
  public RateLimitStage(
      RateLimiterBackend backend,
      Map<String, RateLimitOverride> overrides,
      MeshMeters meters,
      AdmissionListener.Factory listeners) {
    this.backend = backend;
    this.overrides = Map.copyOf(overrides);
    this.meters = meters;
    this.listeners = Objects.requireNonNull(listeners, "listeners");
  }

  @Override
  public ServerInterceptor interceptorFor(MethodPolicy policy) {
    Optional<RateLimitSpec> spec = effectiveLimit(policy);
    if (spec.isEmpty()) {
      return null;
    }
    String method = policy.fullMethodName();
    MethodRateLimiter limiter = backend.forMethod(method, spec.get());
    bound.put(method, new Bound(policy, limiter));
    return new RateLimitInterceptor(
        method,
        limiter,
        meters.rateLimitDecisions(method, backend.name()),
        listeners.forMethod(method));
  }

  /**
   * Checks {@code next} (every override of the new configuration) against the limiters bound and
   * returns what applies it: each changed limit goes to its limiter through {@link
   * MethodRateLimiter#updateSpec} (bucket state carried over as that method documents), and later
   * {@link #effectiveLimit} answers use {@code next}.
   *
   * @throws IllegalArgumentException naming the key when an override is incomplete for a method
   *     without {@code @RateLimit}, adds a limit to a method that had none, or removes the only
   *     limit of one
   */
  public Runnable prepareOverrides(Map<String, RateLimitOverride> next) {
    Map<String, RateLimitOverride> copy = Map.copyOf(next);
    for (String method : copy.keySet()) {
      if (!bound.containsKey(method)) {
        throw new IllegalArgumentException(
            "ratelimit.override."
                + method
                + ": "
                + method
                + " had no rate limit when the server started; giving it one needs a restart");
      }
    }
    List<Runnable> updates = new ArrayList<>();
    for (Bound each : bound.values()) {
      String method = each.policy().fullMethodName();
      Optional<RateLimitSpec> spec = effectiveLimit(each.policy(), copy.get(method));
      if (spec.isEmpty()) {
        throw new IllegalArgumentException(
            "ratelimit.override."
                + method
                + ": "
                + method
                + " has no @RateLimit; removing its configured limit needs a restart");
      }
      if (!spec.get().equals(each.limiter().spec())) {
        RateLimitSpec newSpec = spec.get();
        updates.add(() -> each.limiter().updateSpec(newSpec));
      }
    }
    return () -> {
      overrides = copy;
      updates.forEach(Runnable::run);
    };
  }

  /**
   * The limit that applies to {@code policy}'s method: the annotation's, with the configured
   * override's values replacing its own. A method without {@code @RateLimit} gets a limit from
   * configuration only when the override gives both rps and burst.
   *
   * @throws IllegalArgumentException when an override cannot make a complete, valid limit
   */
  public Optional<RateLimitSpec> effectiveLimit(MethodPolicy policy) {
    return effectiveLimit(policy, overrides.get(policy.fullMethodName()));
  }

  private static Optional<RateLimitSpec> effectiveLimit(
      MethodPolicy policy, RateLimitOverride override) {
    if (override == null) {
      return policy.rateLimit();
    }
    String key = "ratelimit.override." + policy.fullMethodName();
    if (policy.rateLimit().isPresent()) {
      return Optional.of(override.applyTo(policy.rateLimit().get()));
    }
    if (override.rps().isEmpty() || override.burst().isEmpty()) {
      throw new IllegalArgumentException(
          key
              + ": "
              + policy.fullMethodName()
              + " has no @RateLimit, so its override needs both .rps and .burst");
    }
    return Optional.of(
        new RateLimitSpec(override.rps().getAsDouble(), override.burst().getAsInt()));
  }
}
