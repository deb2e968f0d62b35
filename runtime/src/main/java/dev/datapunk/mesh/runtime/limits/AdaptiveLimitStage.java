package dev.datapunk.mesh.runtime.limits;

import dev.datapunk.mesh.runtime.chain.AdmissionListener;
import dev.datapunk.mesh.runtime.chain.CallStage;
import dev.datapunk.mesh.runtime.metrics.MeshMeters;
import dev.datapunk.mesh.runtime.policy.Access;
import dev.datapunk.mesh.runtime.policy.MethodPolicy;
import io.grpc.MethodDescriptor;
import io.grpc.ServerInterceptor;
import io.grpc.ServerStreamTracer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The adaptive concurrency-limit stage, innermost before the service (after the rate limit): every
 * unary method gets an interceptor that, while {@code limits.adaptive.enabled=true}, admits its
 * calls into a {@link ConcurrencyLimiter}; while it is false the interceptor passes calls straight
 * on after one volatile read, so the limit can be switched on and off at run time. Streaming
 * methods (whose duration is not a latency) are never limited: the stage answers {@code null}.
 *
 * <p>Shared mode (default): one limiter for the server, partitioned into guaranteed shares: each
 * method named by {@code limits.adaptive.reserved.<full/Method>} has its own share, the
 * {@code @Public} methods share {@code limits.adaptive.public-reserved} percent, and every other
 * method shares the rest. Per-method mode ({@code limits.adaptive.per-method=true}): one limiter
 * per method. The mode is fixed at start.
 *
 * <p>{@linkplain #reload Reload} (everything but the mode): new bounds clamp each current limit
 * into {@code [min, max]}, which then keeps adapting; new shares apply to the next admissions
 * (calls in flight stay counted where they were admitted); switched on after being off, each limit
 * starts afresh from {@code initial-limit}; {@code initial-limit} alone changes nothing while the
 * limit is on. Meters appear when the limit is first switched on.
 */
public final class AdaptiveLimitStage implements CallStage {

  /** Tracer handed out per stream while the limit is off: stateless, shared. */
  private static final ServerStreamTracer NO_ARRIVAL = new ServerStreamTracer() {};

  private final boolean perMethod;
  private final MeshMeters meters;
  private final AdmissionListener.Factory listeners;
  private volatile AdaptiveLimitSettings settings;
  private volatile boolean enabled;
  private final List<AdaptiveLimitInterceptor> bound = new ArrayList<>();
  private final Set<ConcurrencyLimiter> limiters = new LinkedHashSet<>();
  private final Set<ConcurrencyLimiter> metered = new LinkedHashSet<>();
  private final Map<String, ConcurrencyLimiter.Partition> reservedShares = new HashMap<>();
  private ConcurrencyLimiter shared;
  private ConcurrencyLimiter.Partition publicShare;
  private ConcurrencyLimiter.Partition defaultShare;

  /** A stage with {@code settings}; limiters are created when methods are bound. */
  public AdaptiveLimitStage(AdaptiveLimitSettings settings, MeshMeters meters) {
    this(settings, meters, AdmissionListener.Factory.NONE);
  }

  /**
   * A stage with {@code settings} whose decisions are also told to {@code listeners} (the tracing
   * stage's), asked once per unary method at bind time; told only while the limit is on.
   */
  public AdaptiveLimitStage(
      AdaptiveLimitSettings settings, MeshMeters meters, AdmissionListener.Factory listeners) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.meters = Objects.requireNonNull(meters, "meters");
    this.listeners = Objects.requireNonNull(listeners, "listeners");
    this.perMethod = settings.perMethod();
    this.enabled = settings.enabled();
  }

  /** Whether calls are limited now. */
  boolean enabled() {
    return enabled;
  }

  @Override
  public synchronized ServerInterceptor interceptorFor(MethodPolicy policy) {
    if (policy.method().getType() != MethodDescriptor.MethodType.UNARY) {
      return null;
    }
    String method = policy.fullMethodName();
    AdaptiveLimitInterceptor interceptor;
    if (perMethod) {
      ConcurrencyLimiter limiter = newLimiter(method);
      interceptor =
          new AdaptiveLimitInterceptor(
              this,
              method,
              policy.access(),
              limiter,
              limiter.partition("default", 0),
              listeners.forMethod(method));
    } else {
      ConcurrencyLimiter limiter = shared();
      interceptor =
          new AdaptiveLimitInterceptor(
              this,
              method,
              policy.access(),
              limiter,
              shareOf(method, policy.access()),
              listeners.forMethod(method));
    }
    bound.add(interceptor);
    if (enabled) {
      meter(interceptor);
    }
    return interceptor;
  }

  /**
   * The stream tracer to register with the server: while the limit is on it stamps each stream's
   * arrival ({@link CallArrival}); while off it hands out one shared no-op tracer.
   */
  public ServerStreamTracer.Factory arrivalTracer() {
    ServerStreamTracer.Factory stamping = CallArrival.factory();
    return new ServerStreamTracer.Factory() {
      @Override
      public ServerStreamTracer newServerStreamTracer(
          String fullMethodName, io.grpc.Metadata headers) {
        return enabled ? stamping.newServerStreamTracer(fullMethodName, headers) : NO_ARRIVAL;
      }
    };
  }

  /**
   * Checks {@code next} and returns what installs it (see the class comment); {@code per-method} is
   * ignored (it needs a restart).
   *
   * @throws IllegalArgumentException naming the keys when the bounds are out of order (the
   *     configuration's checks reject that before)
   */
  public Runnable reload(AdaptiveLimitSettings next) {
    Objects.requireNonNull(next, "next");
    if (next.minLimit() < 1
        || next.minLimit() > next.initialLimit()
        || next.initialLimit() > next.maxLimit()) {
      throw new IllegalArgumentException(
          "limits.adaptive.min-limit <= initial-limit <= max-limit is required, got min "
              + next.minLimit()
              + ", initial "
              + next.initialLimit()
              + ", max "
              + next.maxLimit());
    }
    return () -> apply(next);
  }

  private synchronized void apply(AdaptiveLimitSettings next) {
    boolean switchedOn = next.enabled() && !enabled;
    for (ConcurrencyLimiter limiter : limiters) {
      if (switchedOn) {
        limiter.vegasLimit().restart(next.initialLimit(), next.minLimit(), next.maxLimit());
      } else {
        limiter.vegasLimit().bounds(next.minLimit(), next.maxLimit());
      }
    }
    settings = next;
    if (shared != null) {
      publicShare.reserve(next.publicReserved());
      defaultShare.reserve(next.defaultShare());
      reservedShares.forEach(
          (method, share) -> share.reserve(next.reserved().getOrDefault(method, 0)));
      for (AdaptiveLimitInterceptor interceptor : bound) {
        interceptor.partition(shareOf(interceptor.fullMethodName(), interceptor.access()));
      }
    }
    if (next.enabled()) {
      bound.forEach(this::meter);
    }
    enabled = next.enabled();
  }

  /** The share a method of the shared limiter admits into under the current settings. */
  private ConcurrencyLimiter.Partition shareOf(String method, Access access) {
    Integer reserved = settings.reserved().get(method);
    if (reserved != null) {
      ConcurrencyLimiter.Partition share =
          reservedShares.computeIfAbsent(method, m -> shared.partition(m, reserved));
      share.reserve(reserved);
      return share;
    }
    return access == Access.PUBLIC ? publicShare : defaultShare;
  }

  /** The server's shared limiter, created with its partitions on first use. */
  private ConcurrencyLimiter shared() {
    if (shared == null) {
      shared = newLimiter(MeshMeters.SERVER_LIMITER);
      publicShare = shared.partition("public", settings.publicReserved());
      defaultShare = shared.partition("default", settings.defaultShare());
    }
    return shared;
  }

  private ConcurrencyLimiter newLimiter(String name) {
    ConcurrencyLimiter limiter = new ConcurrencyLimiter(name, settings.newLimit());
    limiters.add(limiter);
    return limiter;
  }

  /** Registers the limiter's gauges (once) and the method's rejection counter. */
  private void meter(AdaptiveLimitInterceptor interceptor) {
    ConcurrencyLimiter limiter = interceptor.limiter();
    if (metered.add(limiter)) {
      meters.adaptiveLimit(
          limiter.name(), limiter, ConcurrencyLimiter::limit, ConcurrencyLimiter::inFlight);
    }
    interceptor.rejections(
        meters.adaptiveLimitRejections(limiter.name(), interceptor.fullMethodName()));
  }
}
