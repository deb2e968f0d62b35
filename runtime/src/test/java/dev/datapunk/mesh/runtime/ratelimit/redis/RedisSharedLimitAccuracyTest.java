package dev.datapunk.mesh.runtime.ratelimit.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.datapunk.mesh.runtime.policy.RateLimitSpec;
import dev.datapunk.mesh.runtime.ratelimit.MethodRateLimiter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several replicas (backends with their own Lettuce client each, as separate servers would have)
 * share one limit on one real Redis while threads hammer it: together they admit at most {@code
 * rps x seconds + burst} and at least 95% of that.
 */
class RedisSharedLimitAccuracyTest {

  private static final int REPLICAS = 3;
  private static final int THREADS_PER_REPLICA = 2;
  private static final Duration LOAD = Duration.ofSeconds(3);

  @Test
  void threeReplicasTogetherAdmitWhatOneLimitAllows(@TempDir Path dir) throws Exception {
    RateLimitSpec spec = new RateLimitSpec(200, 50);
    try (RedisServer redis = RedisServer.start(dir)) {
      List<RedisRateLimiterBackend> replicas = new ArrayList<>();
      List<Thread> threads = new ArrayList<>();
      LongAdder admitted = new LongAdder();
      LongAdder refused = new LongAdder();
      AtomicLong failures = new AtomicLong();
      CountDownLatch go = new CountDownLatch(1);
      try {
        for (int r = 0; r < REPLICAS; r++) {
          // A generous timeout: this test is about accuracy, so every decision must come from Redis.
          RedisRateLimiterBackend replica = RedisRateLimiterBackend.builder(redis.uri())
              .timeout(Duration.ofSeconds(2)).build();
          replicas.add(replica);
          MethodRateLimiter limiter = replica.forMethod("t.Svc/Shared", spec);
          for (int t = 0; t < THREADS_PER_REPLICA; t++) {
            threads.add(new Thread(() -> hammer(limiter, go, admitted, refused, failures), "hammer-" + r + "-" + t));
          }
        }
        threads.forEach(Thread::start);
        long start = System.nanoTime();
        go.countDown();
        for (Thread thread : threads) {
          thread.join();
        }
        double seconds = (System.nanoTime() - start) / 1e9;

        double bound = spec.rps() * seconds + spec.burst();
        long total = admitted.sum();
        System.out.printf("shared limit: %d admitted, %d refused in %.3f s by %d replicas; bound %.1f (%.1f%%)%n",
            total, refused.sum(), seconds, REPLICAS, bound, 100 * total / bound);
        assertThat(failures.get()).isZero();
        for (RedisRateLimiterBackend replica : replicas) {
          assertThat(replica.fallbacks()).as("decisions not taken by Redis").isZero();
        }
        assertThat(refused.sum()).as("the load was far above the limit").isGreaterThan(total);
        assertThat((double) total).isLessThanOrEqualTo(bound).isGreaterThanOrEqualTo(0.95 * bound);
      } finally {
        replicas.forEach(RedisRateLimiterBackend::close);
      }
    }
  }

  private static void hammer(MethodRateLimiter limiter, CountDownLatch go, LongAdder admitted, LongAdder refused,
      AtomicLong failures) {
    try {
      go.await();
      long end = System.nanoTime() + LOAD.toNanos();
      while (System.nanoTime() - end < 0) {
        if (limiter.tryAcquire("ip:10.1.2.3") == 0) {
          admitted.increment();
        } else {
          refused.increment();
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      failures.incrementAndGet();
    } catch (RuntimeException e) {
      failures.incrementAndGet();
    }
  }
}
