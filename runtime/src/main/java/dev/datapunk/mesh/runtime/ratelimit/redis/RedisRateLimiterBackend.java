package dev.datapunk.mesh.runtime.ratelimit.redis;

import dev.datapunk.mesh.runtime.policy.RateLimitSpec;
import dev.datapunk.mesh.runtime.ratelimit.LocalRateLimiterBackend;
import dev.datapunk.mesh.runtime.ratelimit.MethodRateLimiter;
import dev.datapunk.mesh.runtime.ratelimit.RateLimiterBackend;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Pattern;

/**
 * Token buckets shared by every replica through one Redis ({@code ratelimit.backend=redis}).
 *
 * <p><b>Decisions.</b> Each decision is one round trip: EVALSHA of {@link GcraScript}, the same
 * GCRA bucket as {@link LocalRateLimiterBackend} timed by Redis's own clock, so replicas never
 * disagree about time. The script is loaded with SCRIPT LOAD when the connection opens; a NOSCRIPT
 * reply (Redis restarted or flushed its scripts) reloads it and retries once. Each admitted call
 * sets its key's TTL to the time until the bucket is full again, so idle clients cost Redis
 * nothing. Keys are {@code <prefix>{<full/Method>|<client>}}: namespaced, and hash-tagged for Redis
 * Cluster.
 *
 * <p><b>Redis Cluster.</b> With {@link Builder#cluster(boolean) cluster(true)} the URIs are seed
 * nodes of a Redis Cluster: the nodes are discovered from them, each decision is one round trip to
 * the master owning its key's slot, and the topology is followed as the cluster reshards or fails
 * over (see {@link RedisClusterLink}). A node that lost the script gets it again within the same
 * decision. The timeout and the failure mode work as for one Redis; the circuit breaker is per
 * master: while one master of three is down, the decisions of its slots go to the failure mode (at
 * once after {@code breakerFailures} failures open its circuit) while the other masters keep
 * deciding theirs. (A cluster that lost full slot coverage refuses every key by default, {@code
 * cluster-require-full-coverage}: then every master's circuit opens.)
 *
 * <p><b>Faults.</b> A call waits at most {@code timeout} for Redis. Whatever Redis cannot decide in
 * time (down, slow, error reply, not connected yet) is decided by the {@link RedisFailureMode}:
 * {@code local} asks an embedded {@link LocalRateLimiterBackend} with the same limits (each replica
 * then limits on its own, so the fleet admits up to replicas x limit), {@code deny} refuses with a
 * one-second retry delay, {@code allow} admits. After {@code breakerFailures} consecutive failures
 * a circuit breaker opens: calls go straight to the failure mode, without paying the timeout, and
 * every {@code breakerCoolDown} one call probes Redis; the first success returns every call to
 * Redis. Lettuce reconnects by itself after Redis comes back. {@link #fallbacks()} counts the
 * decisions the failure mode took.
 */
public final class RedisRateLimiterBackend implements RateLimiterBackend {

  /** The retry delay of a call refused by failure mode {@code deny}. */
  public static final long DENY_WAIT_NANOS = TimeUnit.SECONDS.toNanos(1);

  /**
   * What {@code prefix} may be: printable ASCII without spaces and braces (braces are the hash
   * tag).
   */
  private static final Pattern PREFIX = Pattern.compile("[!-~&&[^{}]]{1,64}");

  private final RedisDecisionLink link;
  private final long timeoutNanos;
  private final String prefix;
  private final RedisFailureMode failureMode;
  private final LocalRateLimiterBackend localFallback;
  private final Map<String, RedisMethodRateLimiter> limiters = new ConcurrentHashMap<>();
  private final LongAdder fallbacks = new LongAdder();
  private volatile boolean closed;

  private RedisRateLimiterBackend(Builder builder) {
    this.timeoutNanos = builder.timeout.toNanos();
    this.prefix = builder.prefix;
    this.failureMode = builder.failureMode;
    int failures = builder.breakerFailures;
    long coolDown = builder.breakerCoolDown.toNanos();
    this.link =
        builder.cluster
            ? RedisClusterLink.open(
                builder.uris,
                builder.breakerCoolDown,
                guarded -> new CircuitBreaker(guarded, failures, coolDown, System::nanoTime))
            : RedisLink.open(
                builder.uris.get(0),
                builder.breakerCoolDown,
                new CircuitBreaker(failures, coolDown, System::nanoTime));
    this.localFallback =
        failureMode == RedisFailureMode.LOCAL
            ? LocalRateLimiterBackend.builder().maxClients(builder.fallbackMaxClients).build()
            : null;
  }

  /** Starts a backend for the Redis at {@code uri} ({@code redis://} or {@code rediss://}). */
  public static Builder builder(URI uri) {
    return new Builder(List.of(Objects.requireNonNull(uri, "uri")));
  }

  /**
   * Starts a backend for the Redis at {@code uris}: exactly one URI for a single Redis (or a
   * proxy), one or more seed nodes of a Redis Cluster with {@link Builder#cluster(boolean)
   * cluster(true)}; {@code redis://} or {@code rediss://}, all the same.
   */
  public static Builder builder(List<URI> uris) {
    return new Builder(List.copyOf(uris));
  }

  @Override
  public MethodRateLimiter forMethod(String fullMethodName, RateLimitSpec spec) {
    Objects.requireNonNull(fullMethodName, "fullMethodName");
    Objects.requireNonNull(spec, "spec");
    if (closed) {
      throw new IllegalStateException(
          "rate limiter backend is closed; cannot add " + fullMethodName);
    }
    if (limiters.containsKey(fullMethodName)) {
      throw new IllegalStateException("a rate limiter for " + fullMethodName + " already exists");
    }
    MethodRateLimiter fallback =
        localFallback == null ? null : localFallback.forMethod(fullMethodName, spec);
    RedisMethodRateLimiter limiter =
        new RedisMethodRateLimiter(fullMethodName, spec, prefix, this, fallback);
    if (limiters.putIfAbsent(fullMethodName, limiter) != null) {
      throw new IllegalStateException("a rate limiter for " + fullMethodName + " already exists");
    }
    return limiter;
  }

  @Override
  public String name() {
    return "redis";
  }

  /**
   * Decisions taken by the failure mode since creation (Redis down, slow, failing, or circuit
   * open).
   */
  public long fallbacks() {
    return fallbacks.sum();
  }

  /**
   * Whether the circuit is open (or half-open, probing): calls skip Redis until a probe succeeds.
   * On a Redis Cluster: whether the circuit of any master is open.
   */
  public boolean isCircuitOpen() {
    return link.isCircuitOpen();
  }

  /**
   * Whether Redis answers a PING within {@code timeout} (on a cluster: every master); for health
   * checks, never on the call path.
   */
  public boolean isRedisReachable(Duration timeout) {
    return link.ping(timeout);
  }

  /** Buckets held by the in-process fallback (failure mode {@code local}); 0 for other modes. */
  public long fallbackTrackedClients() {
    return localFallback == null ? 0 : localFallback.trackedClients();
  }

  /** Closes the Redis connection and the fallback's sweeper. Idempotent; never throws. */
  @Override
  public void close() {
    closed = true;
    link.close();
    if (localFallback != null) {
      localFallback.close();
    }
  }

  /** One decision (the script's {@code arguments}): Redis if it can, else the failure mode. */
  long decide(GcraCommandArguments arguments, MethodRateLimiter fallback, String clientKey) {
    CircuitBreaker breaker = link.breakerOf(arguments);
    if (breaker.tryPass()) {
      try {
        long wait = link.decide(arguments, timeoutNanos);
        breaker.onSuccess();
        return wait;
      } catch (RedisUnavailableException | RuntimeException e) {
        breaker.onFailure(e);
      }
    }
    fallbacks.increment();
    return switch (failureMode) {
      case LOCAL -> fallback.tryAcquire(clientKey);
      case DENY -> DENY_WAIT_NANOS;
      case ALLOW -> 0;
    };
  }

  @Override
  public String toString() {
    return "RedisRateLimiterBackend["
        + link.address()
        + ", prefix "
        + prefix
        + ", failure mode "
        + failureMode.name().toLowerCase(java.util.Locale.ROOT)
        + "]";
  }

  /**
   * Configures a {@link RedisRateLimiterBackend}; the defaults are those of the configuration keys.
   */
  public static final class Builder {
    private final List<URI> uris;
    private boolean cluster;
    private String prefix = "mesh:rl:";
    private Duration timeout = Duration.ofMillis(20);
    private RedisFailureMode failureMode = RedisFailureMode.LOCAL;
    private int breakerFailures = 5;
    private Duration breakerCoolDown = Duration.ofSeconds(1);
    private long fallbackMaxClients = LocalRateLimiterBackend.DEFAULT_MAX_CLIENTS;

    private Builder(List<URI> uris) {
      if (uris.isEmpty()) {
        throw new IllegalArgumentException("at least one Redis URI is needed");
      }
      this.uris = uris;
    }

    /**
     * Whether the URIs are seed nodes of a Redis Cluster ({@code ratelimit.redis.cluster}); false
     * by default: one Redis, or a proxy in front of a cluster.
     */
    public Builder cluster(boolean cluster) {
      this.cluster = cluster;
      return this;
    }

    /**
     * The start of every key, {@code mesh:rl:} by default; printable ASCII without spaces or
     * braces.
     */
    public Builder prefix(String prefix) {
      Objects.requireNonNull(prefix, "prefix");
      if (!PREFIX.matcher(prefix).matches()) {
        throw new IllegalArgumentException(
            "prefix must be 1 to 64 printable ASCII characters without spaces, { or } (was \""
                + prefix
                + "\")");
      }
      this.prefix = prefix;
      return this;
    }

    /** The longest a call waits for Redis, 20 ms by default. */
    public Builder timeout(Duration timeout) {
      this.timeout = positive(timeout, "timeout");
      return this;
    }

    /** What decides when Redis cannot; {@code local} by default. */
    public Builder failureMode(RedisFailureMode failureMode) {
      this.failureMode = Objects.requireNonNull(failureMode, "failureMode");
      return this;
    }

    /** Consecutive failures that open the circuit, 5 by default. */
    public Builder breakerFailures(int breakerFailures) {
      if (breakerFailures < 1) {
        throw new IllegalArgumentException(
            "breakerFailures must be >= 1 (was " + breakerFailures + ")");
      }
      this.breakerFailures = breakerFailures;
      return this;
    }

    /**
     * How long the circuit stays open before a probe, 1 s by default; also the longest pause
     * between two attempts to reconnect.
     */
    public Builder breakerCoolDown(Duration breakerCoolDown) {
      this.breakerCoolDown = positive(breakerCoolDown, "breakerCoolDown");
      return this;
    }

    /** {@code ratelimit.max-clients} of the in-process fallback (failure mode {@code local}). */
    public Builder fallbackMaxClients(long fallbackMaxClients) {
      if (fallbackMaxClients < 1) {
        throw new IllegalArgumentException(
            "fallbackMaxClients must be >= 1 (was " + fallbackMaxClients + ")");
      }
      this.fallbackMaxClients = fallbackMaxClients;
      return this;
    }

    /**
     * Creates the backend and connects to Redis, waiting for the first attempt (at most a 2 s
     * connect timeout). If Redis cannot be reached, the backend still starts and reconnects by
     * itself; until then the failure mode decides.
     */
    public RedisRateLimiterBackend build() {
      if (!cluster && uris.size() != 1) {
        throw new IllegalArgumentException(
            "one Redis URI is needed unless cluster(true) (were " + uris.size() + ")");
      }
      return new RedisRateLimiterBackend(this);
    }

    private static Duration positive(Duration duration, String name) {
      Objects.requireNonNull(duration, name);
      if (duration.isZero() || duration.isNegative()) {
        throw new IllegalArgumentException(name + " must be positive (was " + duration + ")");
      }
      return duration;
    }
  }
}
