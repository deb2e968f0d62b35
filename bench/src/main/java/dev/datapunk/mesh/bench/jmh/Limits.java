package dev.datapunk.mesh.bench.jmh;

import dev.datapunk.mesh.runtime.policy.RateLimitSpec;
import dev.datapunk.mesh.runtime.ratelimit.LocalRateLimiterBackend;
import dev.datapunk.mesh.runtime.ratelimit.NanoClock;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.local.SynchronizationStrategy;
import java.time.Duration;

/**
 * The one limit every rate-limit benchmark uses, built for our limiter and for Bucket4j alike:
 * 1,000,000 tokens per second, burst 1,000,000 (the largest {@code @RateLimit} accepts).
 */
public final class Limits {

  /** Tokens per second and bucket size. */
  public static final int RATE = RateLimitSpec.MAX;

  /** The limit as our runtime takes it. */
  public static final RateLimitSpec SPEC = new RateLimitSpec(RATE, RATE);

  /** The method name the benchmarks' limiters are created for. */
  public static final String METHOD = "datapunk.bench.v1.EchoService/Echo";

  private Limits() {}

  /** Our local backend (GCRA, lock-free) on {@code clock}, with room for {@code maxClients}. */
  public static LocalRateLimiterBackend meshBackend(NanoClock clock, long maxClients) {
    return LocalRateLimiterBackend.builder().clock(clock).maxClients(maxClients).build();
  }

  /**
   * A Bucket4j local lock-free bucket with the same limit: capacity {@link #RATE}, greedy refill of
   * {@link #RATE} tokens per second (continuous, like a GCRA bucket), on {@code time}.
   */
  public static Bucket bucket4j(TimeMeter time) {
    return Bucket.builder()
        .addLimit(limit -> limit.capacity(RATE).refillGreedy(RATE, Duration.ofSeconds(1)))
        .withCustomTimePrecision(time)
        .withSynchronizationStrategy(SynchronizationStrategy.LOCK_FREE)
        .build();
  }
}
