package dev.datapunk.mesh.runtime.ratelimit.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.datapunk.mesh.runtime.policy.RateLimitSpec;
import dev.datapunk.mesh.runtime.ratelimit.MethodRateLimiter;
import dev.datapunk.mesh.runtime.reliability.StderrCapture;
import io.lettuce.core.cluster.SlotHash;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults of the Redis backend in cluster mode: a master killed mid-run, and {@code
 * ratelimit.redis.cluster=true} pointed at a Redis that is not a cluster.
 */
class RedisClusterFaultsTest {

  /**
   * Long enough that a live master's answer never misses it on a busy machine; a dead master's
   * decisions fail at once (connection refused), not after it.
   */
  private static final Duration TIMEOUT = Duration.ofMillis(500);

  /**
   * Generous: a busy two-core machine may stall a thread for a while; a hang would be far longer.
   */
  private static final long MARGIN_NANOS = TimeUnit.SECONDS.toNanos(1);

  private static final Duration WAIT = Duration.ofSeconds(20);

  @Test
  void aMasterKilledMidRunCostsEachDecisionAtMostTheTimeoutAndTheFailureModeAnswers(
      @TempDir Path dir) throws Exception {
    try (RedisCluster cluster = RedisCluster.start(dir);
        RedisRateLimiterBackend backend =
            RedisRateLimiterBackend.builder(cluster.seeds())
                .cluster(true)
                .timeout(TIMEOUT)
                .breakerCoolDown(Duration.ofMillis(200))
                .build()) {
      MethodRateLimiter limiter = backend.forMethod("t.Svc/Kill", new RateLimitSpec(1000, 1000));
      AtomicLong slowest = new AtomicLong();
      AtomicLong failures = new AtomicLong();
      LongAdder decisions = new LongAdder();
      AtomicBoolean running = new AtomicBoolean(true);
      Thread[] threads = new Thread[2];
      for (int t = 0; t < threads.length; t++) {
        int offset = t;
        threads[t] =
            new Thread(
                () -> {
                  try {
                    for (int i = offset; running.get(); i += 2) {
                      long start = System.nanoTime();
                      limiter.tryAcquire("ip:10.9.0." + i % 300);
                      slowest.accumulateAndGet(System.nanoTime() - start, Math::max);
                      decisions.increment();
                    }
                  } catch (RuntimeException e) {
                    failures.incrementAndGet();
                  }
                },
                "kill-load-" + t);
        threads[t].setDaemon(true);
        threads[t].start();
      }
      long beforeKill;
      long fallbacksAfterKill;
      try {
        await().atMost(WAIT).until(() -> decisions.sum() >= 300);
        beforeKill = decisions.sum();
        cluster.nodes().get(0).kill();
        // Decisions go on after the kill, and those of the dead master's slots go to the failure
        // mode.
        await()
            .atMost(WAIT)
            .until(
                () ->
                    (decisions.sum() >= beforeKill + 300 && backend.fallbacks() > 0)
                        || failures.get() > 0);
        fallbacksAfterKill = backend.fallbacks();
      } finally {
        running.set(false);
        for (Thread thread : threads) {
          thread.join(TimeUnit.SECONDS.toMillis(20));
          assertThat(thread.isAlive()).as(thread.getName() + " hangs").isFalse();
        }
      }
      long afterKill = decisions.sum() - beforeKill;
      System.out.printf(
          "cluster node killed: %d decisions after the kill, %d by the failure mode, slowest %.1f"
              + " ms%n",
          afterKill, fallbacksAfterKill, slowest.get() / 1e6);
      assertThat(failures.get()).isZero();
      assertThat(afterKill).isPositive();
      assertThat(fallbacksAfterKill).as("decisions of the dead master's slots").isPositive();
      assertThat(slowest.get()).isLessThan(TIMEOUT.toNanos() + MARGIN_NANOS);

      // The breakers are per master: the dead one's open circuit does not send the others' keys
      // away.
      List<String> deadKeys = new ArrayList<>();
      List<String> liveKeys = new ArrayList<>();
      int deadPort = cluster.nodes().get(0).port();
      Map<Integer, Integer> ownerPorts = RedisCluster.slotOwnerPorts(cluster.nodes().get(1));
      for (int i = 0; deadKeys.size() < 10 || liveKeys.size() < 30; i++) {
        String client = "user:" + i;
        boolean dead =
            ownerPorts.get(SlotHash.getSlot("mesh:rl:{t.Svc/Kill|" + client + "}")) == deadPort;
        (dead ? deadKeys : liveKeys).add(client);
      }
      long before = backend.fallbacks();
      for (String client : deadKeys.subList(0, 10)) {
        limiter.tryAcquire(client);
      }
      assertThat(backend.fallbacks() - before)
          .as("decisions of the dead master's keys")
          .isEqualTo(10);
      assertThat(backend.isCircuitOpen()).isTrue();
      before = backend.fallbacks();
      for (String client : liveKeys.subList(0, 30)) {
        assertThat(limiter.tryAcquire(client)).isZero();
      }
      // One slow answer on a busy machine may still go to the failure mode; an open circuit would
      // send all 30.
      assertThat(backend.fallbacks() - before)
          .as("live masters' keys decided by the failure mode")
          .isLessThanOrEqualTo(2);
    }
  }

  @Test
  void clusterModeAgainstASingleRedisSaysSoAndTheFailureModeDecides(@TempDir Path dir) {
    try (RedisServer redis = RedisServer.start(dir);
        StderrCapture log = StderrCapture.start();
        RedisRateLimiterBackend backend =
            RedisRateLimiterBackend.builder(redis.uri())
                .cluster(true)
                .timeout(TIMEOUT)
                .failureMode(RedisFailureMode.DENY)
                .build()) {
      assertThat(
              log.linesContaining(
                  "ratelimit.redis.cluster is true",
                  "127.0.0.1:" + redis.port(),
                  "is not a Redis Cluster",
                  "set ratelimit.redis.cluster=false"))
          .hasSize(1);
      MethodRateLimiter limiter = backend.forMethod("t.Svc/NotACluster", new RateLimitSpec(10, 10));
      assertThat(limiter.tryAcquire("ip:10.0.0.1"))
          .isEqualTo(RedisRateLimiterBackend.DENY_WAIT_NANOS);
      assertThat(backend.fallbacks()).isEqualTo(1);
      assertThat(backend.isRedisReachable(Duration.ofMillis(200))).isFalse();
    }
  }
}
