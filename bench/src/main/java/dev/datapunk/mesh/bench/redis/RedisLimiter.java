package dev.datapunk.mesh.bench.redis;

import dev.datapunk.mesh.bench.jmh.Limits;
import dev.datapunk.mesh.runtime.ratelimit.MethodRateLimiter;
import dev.datapunk.mesh.runtime.ratelimit.redis.RedisFailureMode;
import dev.datapunk.mesh.runtime.ratelimit.redis.RedisRateLimiterBackend;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.distributed.BucketProxy;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.github.bucket4j.redis.lettuce.cas.LettuceBasedProxyManager;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.resource.ClientResources;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A rate limiter whose buckets live in Redis, on ONE Lettuce connection, with the benchmarks' limit
 * ({@link Limits#RATE} per second, burst {@link Limits#RATE}: every decision admits). Decisions are
 * synchronous: the calling thread waits for Redis's answer.
 */
public interface RedisLimiter extends AutoCloseable {

  /** One decision for {@code client}'s bucket; true if the call is admitted. */
  boolean admit(String client);

  /**
   * Closes the connection. Throws if any decision was not taken by Redis (our backend's failure
   * mode stepped in), because then the measured figure would not be a Redis figure.
   */
  @Override
  void close();

  /** The limiters compared. */
  enum Kind {
    /** Ours: {@link RedisRateLimiterBackend}, one EVALSHA of a GCRA script per decision. */
    MESH,
    /**
     * Bucket4j 8's {@link LettuceBasedProxyManager}: compare-and-swap, a GET and an EVAL per
     * decision.
     */
    BUCKET4J;

    /** Connects this limiter to the Redis at {@code uri}. */
    public RedisLimiter open(URI uri) {
      return this == MESH ? new MeshLimiter(uri) : new Bucket4jLettuceLimiter(uri);
    }
  }

  /**
   * Ours, with a timeout long enough that a busy machine never sends a decision to the failure
   * mode.
   */
  final class MeshLimiter implements RedisLimiter {

    private final RedisRateLimiterBackend backend;
    private final MethodRateLimiter limiter;
    private final long fallbacksBefore;

    MeshLimiter(URI uri) {
      backend =
          RedisRateLimiterBackend.builder(uri)
              .timeout(Duration.ofSeconds(2))
              .failureMode(RedisFailureMode.DENY)
              .build();
      limiter = backend.forMethod(Limits.METHOD, Limits.SPEC);
      awaitRedisDeciding(uri);
      fallbacksBefore = backend.fallbacks();
    }

    /**
     * On a busy machine the backend's first connection attempt can time out; it then reconnects by
     * itself. Waits (at most 30 s) until Redis answers and takes a decision, so no measured
     * decision is the failure mode's.
     */
    private void awaitRedisDeciding(URI uri) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (true) {
        long fallbacks = backend.fallbacks();
        if (backend.isRedisReachable(Duration.ofSeconds(2)) && !backend.isCircuitOpen()) {
          limiter.tryAcquire("set-up");
          if (backend.fallbacks() == fallbacks) {
            return;
          }
        }
        if (System.nanoTime() - deadline > 0) {
          backend.close();
          throw new IllegalStateException("Redis at " + uri + " took no decision within 30 s");
        }
        try {
          Thread.sleep(50);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          backend.close();
          throw new IllegalStateException("interrupted while waiting for Redis", e);
        }
      }
    }

    @Override
    public boolean admit(String client) {
      return limiter.tryAcquire(client) == 0;
    }

    @Override
    public void close() {
      long fallbacks = backend.fallbacks() - fallbacksBefore;
      backend.close();
      if (fallbacks > 0) {
        throw new IllegalStateException(
            fallbacks
                + " decisions were not taken by Redis (timeout or error):"
                + " the Redis figure of this run is not valid");
      }
    }
  }

  /**
   * Bucket4j with the same limit as a greedy refill (continuous, like GCRA), keys expiring once the
   * bucket is full again (as ours do), one {@link BucketProxy} per client cached in a map, so only
   * the decision is measured.
   */
  final class Bucket4jLettuceLimiter implements RedisLimiter {

    private static final BucketConfiguration LIMIT =
        BucketConfiguration.builder()
            .addLimit(
                limit ->
                    limit.capacity(Limits.RATE).refillGreedy(Limits.RATE, Duration.ofSeconds(1)))
            .build();

    private final ClientResources resources;
    private final RedisClient client;
    private final StatefulRedisConnection<String, byte[]> connection;
    private final LettuceBasedProxyManager<String> proxies;
    private final ConcurrentHashMap<String, BucketProxy> buckets = new ConcurrentHashMap<>();
    private final String keyStart = "b4j:{" + Limits.METHOD + "|";

    Bucket4jLettuceLimiter(URI uri) {
      // The same client threads as our backend's link: 2 I/O, 2 computation.
      resources =
          ClientResources.builder().ioThreadPoolSize(2).computationThreadPoolSize(2).build();
      client = RedisClient.create(resources, RedisURI.create(uri));
      connection = client.connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE));
      proxies =
          Bucket4jLettuce.casBasedBuilder(connection)
              .expirationAfterWrite(
                  ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(
                      Duration.ofSeconds(1)))
              .build();
    }

    @Override
    public boolean admit(String clientKey) {
      BucketProxy bucket = buckets.get(clientKey);
      if (bucket == null) {
        bucket =
            buckets.computeIfAbsent(
                clientKey, key -> proxies.builder().build(keyStart + key + "}", () -> LIMIT));
      }
      return bucket.tryConsume(1);
    }

    @Override
    public void close() {
      connection.close();
      client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
      var unused = resources.shutdown(0, 2, TimeUnit.SECONDS); // its threads stop in the background
    }
  }
}
