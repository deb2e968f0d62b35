package dev.datapunk.mesh.runtime.ratelimit;

import dev.datapunk.mesh.runtime.logging.MeshLoggers;
import dev.datapunk.mesh.runtime.policy.RateLimitSpec;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;

/**
 * The in-process rate limiter ({@code ratelimit.backend=local}): GCRA buckets, one {@code long} per
 * (method, client), updated lock-free, idle state evicted, at most {@link #maxClients()} buckets in
 * all.
 *
 * <h2>Algorithm: GCRA is the token bucket</h2>
 *
 * With burst {@code b} and emission interval {@code T = 1/rps} (in nanoseconds, {@link
 * RateLimitSpec#nanosPerToken()}), a token bucket holding {@code x} tokens at time {@code t} is
 * stored as its <em>theoretical arrival time</em> {@code TAT = t + (b - x) * T}: the instant it
 * would be full again if left alone. Then at any {@code now} it holds {@code x(now) = b - max(0,
 * TAT - now) / T} tokens (refill at {@code 1/T}, capped at {@code b}), and:
 *
 * <ul>
 *   <li><b>full</b> iff {@code TAT <= now}. So a new client, which starts full, is any {@code TAT
 *       <= now}, and a stored bucket with {@code TAT <= now} carries no information and can be
 *       dropped without changing any decision;
 *   <li><b>admit</b> iff {@code x(now) >= 1} iff {@code max(0, TAT - now) <= (b - 1) * T = tau} iff
 *       {@code now >= TAT - tau} ({@code tau >= 0} absorbs the max);
 *   <li><b>take one token</b>: {@code x' = x(now) - 1} gives {@code max(0, TAT' - now) = max(0, TAT
 *       - now) + T}, that is {@code TAT' = max(now, TAT) + T};
 *   <li><b>denied</b>: the bucket reaches one token when {@code b - (TAT - t)/T = 1}, at {@code t =
 *       TAT - tau}, so the caller waits exactly {@code TAT - tau - now} nanoseconds.
 * </ul>
 *
 * A decision is therefore one read, one comparison and one compare-and-set of a single {@code
 * long}, retried only when another call of the same client won the race; for a tracked client it
 * allocates nothing. {@code T} is {@code 1e9 / rps} rounded to the nanosecond, so a rate whose
 * interval is not a whole number of nanoseconds is honoured to within half a nanosecond per token.
 *
 * <h2>Memory</h2>
 *
 * Per tracked (method, client): one {@code ConcurrentHashMap} node (32 bytes) and its table slot,
 * the client key string (shared with the caller), and a 24-byte cell holding the TAT and the rule
 * generation: 64 bytes per client measured with a million clients, keys not counted. A sweep, run
 * every {@link Builder#sweepInterval(Duration) sweep interval} (default one second) on one shared
 * daemon thread, walks every method's map and drops every full bucket; there is no per-client task.
 * A client idle for {@code burst / rps} seconds therefore leaves memory within one more interval. A
 * sweep costs time in proportion to the buckets held: on a 2-core machine about 50 ms per million
 * buckets kept and 0.1 s per million dropped.
 *
 * <h2>The client cap</h2>
 *
 * At most {@link #maxClients()} buckets (default 1,000,000) are held across all methods; the count
 * is reserved before a bucket is inserted, so it is never exceeded, not even briefly. When a new
 * client arrives at the cap, an early sweep is requested (idle buckets go first), and until room is
 * made the new client is served from the method's single <em>overflow bucket</em>, which has the
 * method's limit and is shared by every client the cap kept out. That is the safe choice: evicting
 * a bucket that is not full would hand its client fresh tokens (a client could reset its own limit
 * by flooding new keys), whereas the overflow bucket never admits more than {@code burst + rps * t}
 * calls in all, so no client exceeds its limit while the cap holds, at the price of new clients
 * sharing one bucket during a flood. A bucket created while the overflow bucket is in debt starts
 * no fuller than the overflow bucket, so a client leaving the overflow bucket for its own gains no
 * tokens either. {@link #overflowDecisions()} counts decisions made there.
 *
 * <h2>Changing a limit at run time</h2>
 *
 * {@link MethodRateLimiter#updateSpec} takes effect at the instant {@code U} it is called. A bucket
 * that is full at {@code U} stays full under the new limit: it is indistinguishable from a client
 * never seen (or evicted), and those start full under the new limit, so eviction stays
 * decision-neutral across an update. Every other bucket keeps the tokens it held at {@code U},
 * clamped to the new burst, and refills at the new rate after {@code U}: a reload never refills a
 * bucket that was not full, and a client short of tokens is not handed the difference when the
 * burst is raised. Buckets are converted lazily (at their next call or sweep) but exactly as of
 * {@code U}, whatever the order of later calls. A call racing with the update is charged under one
 * of the two limits, never neither.
 */
public final class LocalRateLimiterBackend implements RateLimiterBackend {

  /** Default for {@link Builder#maxClients(long)}. */
  public static final long DEFAULT_MAX_CLIENTS = 1_000_000;

  /** Default for {@link Builder#sweepInterval(Duration)}. */
  public static final Duration DEFAULT_SWEEP_INTERVAL = Duration.ofSeconds(1);

  private static final Logger log = MeshLoggers.getLogger(LocalRateLimiterBackend.class);

  /** Early sweeps (requested when the cap is hit) are at least this far apart. */
  private static final long MIN_EARLY_SWEEP_GAP_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

  private final NanoClock clock;
  private final long origin;
  private final long maxClients;
  private final AtomicLong tracked = new AtomicLong();
  private final LongAdder overflowDecisions = new LongAdder();
  private final ConcurrentHashMap<String, LocalMethodRateLimiter> limiters =
      new ConcurrentHashMap<>();
  private final ScheduledExecutorService sweeper;
  private final AtomicBoolean earlySweepPending = new AtomicBoolean();
  private volatile long lastSweepStart = Long.MIN_VALUE / 2;
  private volatile boolean closed;

  private LocalRateLimiterBackend(Builder builder) {
    this.clock = builder.clock;
    this.origin = clock.nanoTime();
    this.maxClients = builder.maxClients;
    if (builder.sweepInterval.isZero()) {
      this.sweeper = null;
    } else {
      ScheduledThreadPoolExecutor executor =
          new ScheduledThreadPoolExecutor(
              1,
              task -> {
                Thread thread = new Thread(task, "mesh-ratelimit-sweeper");
                thread.setDaemon(true);
                return thread;
              });
      executor.setRemoveOnCancelPolicy(true);
      long period = builder.sweepInterval.toNanos();
      // sweepQuietly catches every failure; stopping the executor ends the schedule.
      var unused =
          executor.scheduleWithFixedDelay(this::sweepQuietly, period, period, TimeUnit.NANOSECONDS);
      this.sweeper = executor;
    }
  }

  /** A backend with the defaults: system clock, 1,000,000 clients, a sweep every second. */
  public static LocalRateLimiterBackend create() {
    return builder().build();
  }

  /** Starts a backend with the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public MethodRateLimiter forMethod(String fullMethodName, RateLimitSpec spec) {
    Objects.requireNonNull(fullMethodName, "fullMethodName");
    Objects.requireNonNull(spec, "spec");
    if (closed) {
      throw new IllegalStateException(
          "rate limiter backend is closed; cannot add " + fullMethodName);
    }
    LocalMethodRateLimiter limiter = new LocalMethodRateLimiter(fullMethodName, spec, this);
    if (limiters.putIfAbsent(fullMethodName, limiter) != null) {
      throw new IllegalStateException("a rate limiter for " + fullMethodName + " already exists");
    }
    return limiter;
  }

  @Override
  public String name() {
    return "local";
  }

  /** Buckets held now, over all methods: one per (method, client) not yet evicted. */
  public long trackedClients() {
    return tracked.get();
  }

  /** The most buckets this backend holds at once. */
  public long maxClients() {
    return maxClients;
  }

  /**
   * Decisions taken by an overflow bucket since creation: calls of clients the cap kept out, and
   * calls of new clients refused because the overflow bucket was still in debt.
   */
  public long overflowDecisions() {
    return overflowDecisions.sum();
  }

  /**
   * Drops every full (idle) bucket now, in every method; the background sweep calls this. Never
   * changes a decision: a dropped bucket was full, which is how a new client starts.
   *
   * @return how many buckets were dropped
   */
  public long sweepIdle() {
    long now = now();
    lastSweepStart = now;
    long evicted = 0;
    for (LocalMethodRateLimiter limiter : limiters.values()) {
      evicted += limiter.evictIdle(now);
    }
    return evicted;
  }

  /** Stops the background sweep. Limiters keep deciding, but idle state is no longer evicted. */
  @Override
  public void close() {
    closed = true;
    if (sweeper != null) {
      sweeper.shutdownNow();
    }
  }

  /** Nanoseconds since this backend was created, clamped to {@code [0, GcraRule.MAX_TIME]}. */
  long now() {
    long elapsed = clock.nanoTime() - origin;
    return elapsed < 0 ? 0 : Math.min(elapsed, GcraRule.MAX_TIME);
  }

  /** Reserves room for one new bucket; false at the cap (and an early sweep is requested). */
  boolean reserveSlot() {
    long held;
    do {
      held = tracked.get();
      if (held >= maxClients) {
        requestEarlySweep();
        return false;
      }
    } while (!tracked.compareAndSet(held, held + 1));
    return true;
  }

  void releaseSlot() {
    tracked.decrementAndGet();
  }

  void countOverflowDecision() {
    overflowDecisions.increment();
  }

  private void requestEarlySweep() {
    if (sweeper == null || closed || now() - lastSweepStart < MIN_EARLY_SWEEP_GAP_NANOS) {
      return;
    }
    if (earlySweepPending.compareAndSet(false, true)) {
      try {
        sweeper.execute(
            () -> {
              try {
                sweepQuietly();
              } finally {
                earlySweepPending.set(false);
              }
            });
      } catch (RejectedExecutionException closedMeanwhile) {
        earlySweepPending.set(false);
      }
    }
  }

  private void sweepQuietly() {
    try {
      sweepIdle();
    } catch (RuntimeException e) {
      log.warn("rate-limit sweep failed; idle client state is kept until the next sweep", e);
    }
  }

  /** Configures a {@link LocalRateLimiterBackend}. */
  public static final class Builder {
    private NanoClock clock = NanoClock.system();
    private long maxClients = DEFAULT_MAX_CLIENTS;
    private Duration sweepInterval = DEFAULT_SWEEP_INTERVAL;

    private Builder() {}

    /** The time source; {@link NanoClock#system()} by default. */
    public Builder clock(NanoClock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** The most buckets held at once over all methods, at least 1; 1,000,000 by default. */
    public Builder maxClients(long maxClients) {
      if (maxClients < 1) {
        throw new IllegalArgumentException("maxClients must be >= 1 (was " + maxClients + ")");
      }
      this.maxClients = maxClients;
      return this;
    }

    /**
     * How often idle buckets are swept on the backend's daemon thread; {@link Duration#ZERO} for no
     * background sweep (then only {@link LocalRateLimiterBackend#sweepIdle()} evicts).
     */
    public Builder sweepInterval(Duration sweepInterval) {
      Objects.requireNonNull(sweepInterval, "sweepInterval");
      if (sweepInterval.isNegative()) {
        throw new IllegalArgumentException(
            "sweepInterval must not be negative (was " + sweepInterval + ")");
      }
      this.sweepInterval = sweepInterval;
      return this;
    }

    public LocalRateLimiterBackend build() {
      return new LocalRateLimiterBackend(this);
    }
  }
}
