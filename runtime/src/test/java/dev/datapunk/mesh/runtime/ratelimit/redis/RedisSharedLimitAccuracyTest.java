package dev.datapunk.mesh.runtime.ratelimit.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.datapunk.mesh.runtime.policy.RateLimitSpec;
import dev.datapunk.mesh.runtime.ratelimit.MethodRateLimiter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several replicas (backends with their own Lettuce client each, as separate servers would have)
 * share one limit on one real Redis while threads hammer it: together they admit at most {@code rps
 * x seconds + burst} and at least 95% of that. The burst is a second of tokens, so a thread stalled
 * on a busy machine for less than that loses none (the bucket only fills meanwhile).
 */
class RedisSharedLimitAccuracyTest {

  private static final int REPLICAS = 3;
  private static final int THREADS_PER_REPLICA = 2;
  private static final Duration LOAD = Duration.ofSeconds(3);

  @Test
  void threeReplicasTogetherAdmitWhatOneLimitAllows(@TempDir Path dir) throws Exception {
    RateLimitSpec spec = new RateLimitSpec(200, 200);
    try (RedisServer redis = RedisServer.start(dir)) {
      List<RedisRateLimiterBackend> replicas = new ArrayList<>();
      try {
        List<MethodRateLimiter> limiters = new ArrayList<>();
        for (int r = 0; r < REPLICAS; r++) {
          // A generous timeout: this test is about accuracy, so every decision must come from
          // Redis.
          RedisRateLimiterBackend replica =
              RedisRateLimiterBackend.builder(redis.uri()).timeout(Duration.ofSeconds(2)).build();
          replicas.add(replica);
          limiters.add(replica.forMethod("t.Svc/Shared", spec));
        }
        SharedLimitHammer.Result result =
            SharedLimitHammer.run(limiters, THREADS_PER_REPLICA, "ip:10.1.2.3", LOAD);

        double bound = result.allowed(spec);
        System.out.printf(
            "shared limit: %d admitted, %d refused in %.3f s by %d replicas; bound %.1f (%.1f%%)%n",
            result.admitted(),
            result.refused(),
            result.seconds(),
            REPLICAS,
            bound,
            100 * result.admitted() / bound);
        assertThat(result.failures()).isZero();
        for (RedisRateLimiterBackend replica : replicas) {
          assertThat(replica.fallbacks()).as("decisions not taken by Redis").isZero();
        }
        assertThat(result.refused())
            .as("the load was far above the limit")
            .isGreaterThan(result.admitted());
        assertThat((double) result.admitted())
            .isLessThanOrEqualTo(bound)
            .isGreaterThanOrEqualTo(0.95 * bound);
      } finally {
        replicas.forEach(RedisRateLimiterBackend::close);
      }
    }
  }
}
