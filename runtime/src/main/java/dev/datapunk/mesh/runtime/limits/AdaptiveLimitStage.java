package dev.datapunk.mesh.runtime.limits;

import dev.datapunk.mesh.runtime.chain.CallStage;
import dev.datapunk.mesh.runtime.metrics.MeshMeters;
import dev.datapunk.mesh.runtime.policy.Access;
import dev.datapunk.mesh.runtime.policy.MethodPolicy;
import io.grpc.MethodDescriptor;
import io.grpc.ServerInterceptor;
import java.util.Objects;

/**
 * The adaptive concurrency-limit stage, innermost before the service (after the rate limit): with
 * {@code limits.adaptive.enabled=true} every unary method gets an interceptor that admits its
 * calls into a {@link ConcurrencyLimiter}; otherwise, and for streaming methods (whose duration is
 * not a latency), the stage answers {@code null} and costs nothing.
 *
 * <p>Shared mode (default): one limiter for the server, partitioned into guaranteed shares: each
 * method named by {@code limits.adaptive.reserved.<full/Method>} has its own share, the {@code
 * @Public} methods share {@code limits.adaptive.public-reserved} percent, and every other method
 * shares the rest. Per-method mode ({@code limits.adaptive.per-method=true}): one limiter per method.
 */
public final class AdaptiveLimitStage implements CallStage {

  private final AdaptiveLimitSettings settings;
  private final MeshMeters meters;
  private ConcurrencyLimiter shared;
  private ConcurrencyLimiter.Partition publicShare;
  private ConcurrencyLimiter.Partition defaultShare;

  /** A stage with {@code settings}; limiters and their meters are created when methods are bound. */
  public AdaptiveLimitStage(AdaptiveLimitSettings settings, MeshMeters meters) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.meters = Objects.requireNonNull(meters, "meters");
  }

  @Override
  public ServerInterceptor interceptorFor(MethodPolicy policy) {
    if (!settings.enabled() || policy.method().getType() != MethodDescriptor.MethodType.UNARY) {
      return null;
    }
    String method = policy.fullMethodName();
    if (settings.perMethod()) {
      ConcurrencyLimiter limiter = newLimiter(method);
      return new AdaptiveLimitInterceptor(method, limiter, limiter.partition("default", 0),
          meters.adaptiveLimitRejections(method, method));
    }
    ConcurrencyLimiter limiter = shared();
    ConcurrencyLimiter.Partition partition;
    Integer reserved = settings.reserved().get(method);
    if (reserved != null) {
      partition = limiter.partition(method, reserved);
    } else if (policy.access() == Access.PUBLIC) {
      partition = publicShare;
    } else {
      partition = defaultShare;
    }
    return new AdaptiveLimitInterceptor(method, limiter, partition,
        meters.adaptiveLimitRejections(MeshMeters.SERVER_LIMITER, method));
  }

  /** The server's shared limiter, created with its partitions and meters on first use. */
  private synchronized ConcurrencyLimiter shared() {
    if (shared == null) {
      shared = newLimiter(MeshMeters.SERVER_LIMITER);
      publicShare = shared.partition("public", settings.publicReserved());
      defaultShare = shared.partition("default", settings.defaultShare());
    }
    return shared;
  }

  private ConcurrencyLimiter newLimiter(String name) {
    ConcurrencyLimiter limiter = new ConcurrencyLimiter(name, settings.newLimit());
    meters.adaptiveLimit(name, limiter, ConcurrencyLimiter::limit, ConcurrencyLimiter::inFlight);
    return limiter;
  }
}
