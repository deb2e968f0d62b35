package dev.datapunk.mesh.runtime.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.ToDoubleFunction;
import java.util.regex.Pattern;

/**
 * The mesh's own meters, for the security and rate-limit stages: the seam through which they count
 * their decisions.
 *
 * <p>How to use it: a stage asks for its meter once per method when it builds that method's
 * interceptor ({@link dev.datapunk.mesh.runtime.chain.CallStage#interceptorFor}), keeps it in a
 * field, and on the call path only calls {@link AuthDecisionMeter#record} or {@link
 * RateLimitDecisionMeter#allowed()}/{@link RateLimitDecisionMeter#rejected()}: every counter of the
 * method is registered here, so the call path never looks a meter up and never allocates.
 *
 * <p>Cardinality is bounded by construction: tag values are full method names (known at compile
 * time), backend names (from code) and enum constants; nothing here accepts a client id, token
 * subject, address or free text. The meters:
 *
 * <ul>
 *   <li>{@code mesh.auth.decisions} (counter; {@code method}, {@code result}, {@code reason})
 *   <li>{@code mesh.ratelimit.decisions} (counter; {@code method}, {@code result} =
 *       allowed|rejected, {@code backend})
 *   <li>{@code mesh.ratelimit.fallback} (counter; {@code backend}): decisions a shared backend
 *       could not make and handed to its failure mode
 *   <li>{@code mesh.ratelimit.clients} (gauge; {@code backend}): clients whose buckets are tracked
 *   <li>{@code mesh.auth.cached.tokens} (gauge): slots of the verified-token cache holding an
 *       entry, out of {@code auth.jwt.cache-size}
 *   <li>{@code mesh.limits.adaptive.limit} and {@code mesh.limits.adaptive.inflight} (gauges;
 *       {@code limiter} = {@code server} or a full method name): an adaptive concurrency limit and
 *       the calls it has admitted that are still running
 *   <li>{@code mesh.limits.adaptive.rejections} (counter; {@code limiter}, {@code method}): calls
 *       the adaptive limit refused
 * </ul>
 */
public final class MeshMeters {

  /** Counter of authentication/authorization decisions. */
  public static final String AUTH_DECISIONS = "mesh.auth.decisions";

  /** Counter of rate-limit decisions. */
  public static final String RATELIMIT_DECISIONS = "mesh.ratelimit.decisions";

  /** Counter of decisions a shared rate-limit backend handed to its failure mode. */
  public static final String RATELIMIT_FALLBACK = "mesh.ratelimit.fallback";

  /** Gauge of clients with rate-limit state. */
  public static final String RATELIMIT_CLIENTS = "mesh.ratelimit.clients";

  /** Gauge of the verified-token cache's occupied slots. */
  public static final String AUTH_CACHED_TOKENS = "mesh.auth.cached.tokens";

  /** Gauge of an adaptive concurrency limit. */
  public static final String ADAPTIVE_LIMIT = "mesh.limits.adaptive.limit";

  /** Gauge of the calls an adaptive concurrency limiter admitted that are still running. */
  public static final String ADAPTIVE_INFLIGHT = "mesh.limits.adaptive.inflight";

  /** Counter of calls refused by an adaptive concurrency limit. */
  public static final String ADAPTIVE_REJECTIONS = "mesh.limits.adaptive.rejections";

  /** The {@code limiter} tag of the one limiter a server shares among its methods. */
  public static final String SERVER_LIMITER = "server";

  private static final Pattern FULL_METHOD = Pattern.compile("[A-Za-z0-9_.]+/[A-Za-z0-9_]+");
  private static final Pattern BACKEND = Pattern.compile("[a-z][a-z0-9_]{0,31}");

  private final MeterRegistry registry;

  /** Meters registered in {@code registry}. */
  public MeshMeters(MeterRegistry registry) {
    this.registry = Objects.requireNonNull(registry, "registry");
  }

  /**
   * The auth decision counters of one method, all {@link AuthReason}s registered now (at zero).
   *
   * @param fullMethodName e.g. {@code pkg.Service/Method}
   */
  public AuthDecisionMeter authDecisions(String fullMethodName) {
    String method = checkedMethod(fullMethodName);
    Map<AuthReason, Counter> counters = new EnumMap<>(AuthReason.class);
    for (AuthReason reason : AuthReason.values()) {
      counters.put(
          reason,
          Counter.builder(AUTH_DECISIONS)
              .description("Authentication and authorization decisions")
              .tag("method", method)
              .tag("result", reason.result())
              .tag("reason", reason.tag())
              .register(registry));
    }
    return new AuthDecisionMeter(counters);
  }

  /**
   * The rate-limit decision counters of one method on {@code backend} (e.g. {@code local}, {@code
   * redis}), both registered now. Asking again for the same method and backend returns counters of
   * the same meters.
   */
  public RateLimitDecisionMeter rateLimitDecisions(String fullMethodName, String backend) {
    String method = checkedMethod(fullMethodName);
    String checkedBackend = checkedBackend(backend);
    return new RateLimitDecisionMeter(
        rateLimitDecision(method, "allowed", checkedBackend),
        rateLimitDecision(method, "rejected", checkedBackend));
  }

  /**
   * A counter of {@code backend}'s fallback events, for a backend that counts them as they happen.
   */
  public Counter rateLimitFallback(String backend) {
    return Counter.builder(RATELIMIT_FALLBACK)
        .description(
            "Rate-limit decisions the shared backend could not make, handed to its failure mode")
        .tag("backend", checkedBackend(backend))
        .register(registry);
  }

  /**
   * {@code mesh.ratelimit.fallback} read from a running total that {@code backend} keeps itself
   * (e.g. its {@code fallbacks()} method). Use this or {@link #rateLimitFallback}, not both.
   */
  public <T> void rateLimitFallbackTotal(String backend, T source, ToDoubleFunction<T> total) {
    FunctionCounter.builder(RATELIMIT_FALLBACK, source, total)
        .description(
            "Rate-limit decisions the shared backend could not make, handed to its failure mode")
        .tag("backend", checkedBackend(backend))
        .register(registry);
  }

  /**
   * {@code mesh.ratelimit.clients}: the number of clients {@code backend} keeps state for, read
   * from {@code source} at each scrape. The gauge holds {@code source} strongly.
   */
  public <T> void rateLimitClients(String backend, T source, ToDoubleFunction<T> clients) {
    Gauge.builder(RATELIMIT_CLIENTS, source, clients)
        .description("Clients whose rate-limit state is tracked")
        .baseUnit("clients")
        .tag("backend", checkedBackend(backend))
        .strongReference(true)
        .register(registry);
  }

  /**
   * {@code mesh.auth.cached.tokens}: slots of the verified-token cache holding an entry (answerable
   * or expired), read from {@code source} at each scrape; near {@code auth.jwt.cache-size} it says
   * the cache is too small for the tokens in use. The gauge holds {@code source} strongly.
   */
  public <T> void cachedTokens(T source, ToDoubleFunction<T> entries) {
    Gauge.builder(AUTH_CACHED_TOKENS, source, entries)
        .description(
            "Slots of the verified-token cache holding an entry (auth.jwt.cache-size is the most)")
        .baseUnit("tokens")
        .strongReference(true)
        .register(registry);
  }

  /**
   * {@code mesh.limits.adaptive.limit} and {@code .inflight} of {@code limiter} ({@value
   * #SERVER_LIMITER} or a full method name), read from {@code source} at each scrape. The gauges
   * hold {@code source} strongly.
   */
  public <T> void adaptiveLimit(
      String limiter, T source, ToDoubleFunction<T> limit, ToDoubleFunction<T> inFlight) {
    String checkedLimiter = checkedLimiter(limiter);
    Gauge.builder(ADAPTIVE_LIMIT, source, limit)
        .description("Current adaptive concurrency limit (calls)")
        .tag("limiter", checkedLimiter)
        .strongReference(true)
        .register(registry);
    Gauge.builder(ADAPTIVE_INFLIGHT, source, inFlight)
        .description("Calls admitted by the adaptive concurrency limit and still running")
        .tag("limiter", checkedLimiter)
        .strongReference(true)
        .register(registry);
  }

  /**
   * The counter of {@code fullMethodName}'s calls refused by the adaptive limit {@code limiter}.
   */
  public Counter adaptiveLimitRejections(String limiter, String fullMethodName) {
    return Counter.builder(ADAPTIVE_REJECTIONS)
        .description("Calls refused by the adaptive concurrency limit")
        .tag("limiter", checkedLimiter(limiter))
        .tag("method", checkedMethod(fullMethodName))
        .register(registry);
  }

  private static String checkedLimiter(String limiter) {
    return SERVER_LIMITER.equals(limiter) ? limiter : checkedMethod(limiter);
  }

  private Counter rateLimitDecision(String method, String result, String backend) {
    return Counter.builder(RATELIMIT_DECISIONS)
        .description("Rate-limit decisions")
        .tag("method", method)
        .tag("result", result)
        .tag("backend", backend)
        .register(registry);
  }

  private static String checkedMethod(String fullMethodName) {
    if (fullMethodName == null || !FULL_METHOD.matcher(fullMethodName).matches()) {
      throw new IllegalArgumentException("not a full gRPC method name: " + fullMethodName);
    }
    return fullMethodName;
  }

  private static String checkedBackend(String backend) {
    if (backend == null || !BACKEND.matcher(backend).matches()) {
      throw new IllegalArgumentException(
          "not a backend name (lower-case letters, digits, _): " + backend);
    }
    return backend;
  }
}
