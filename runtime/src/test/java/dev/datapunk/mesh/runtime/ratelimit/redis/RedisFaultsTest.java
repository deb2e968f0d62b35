package dev.datapunk.mesh.runtime.ratelimit.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.datapunk.mesh.runtime.policy.RateLimitSpec;
import dev.datapunk.mesh.runtime.ratelimit.MethodRateLimiter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Redis down, killed mid-load, restarted and slow: no call waits longer than the timeout (plus a
 * margin for a busy machine), the failure mode decides meanwhile, the circuit breaker spares calls
 * the timeout, and decisions return to Redis by themselves.
 */
class RedisFaultsTest {

  private static final long MS = 1_000_000L;

  /**
   * Slack on top of the configured timeout. A full CI run on 2 cores once showed a 490 ms outlier
   * (50 ms timeout) while Redis was being killed, with the whole suite competing for the cores; the
   * promise proven here is "bounded, never hung" (Lettuce's own command timeout is off: the
   * limiter's deadline is the only one). Tightening this to the timeout itself belongs with issue
   * 8's fault work, with a profile of that outlier.
   */
  private static final long MARGIN = 1_000 * MS;

  private static final Duration RECOVERY = Duration.ofSeconds(10);

  @TempDir Path dir;
  private RedisServer redis;
  private final List<RedisRateLimiterBackend> backends = new ArrayList<>();

  @AfterEach
  void stop() {
    backends.forEach(RedisRateLimiterBackend::close);
    if (redis != null) {
      redis.close();
    }
  }

  private RedisRateLimiterBackend backend(
      RedisFailureMode mode, Duration timeout, int breakerFailures, Duration coolDown) {
    RedisRateLimiterBackend backend =
        RedisRateLimiterBackend.builder(redis.uri())
            .failureMode(mode)
            .timeout(timeout)
            .breakerFailures(breakerFailures)
            .breakerCoolDown(coolDown)
            .build();
    backends.add(backend);
    return backend;
  }

  @Test
  void redisKilledMidLoadFallsBackWithinTheTimeoutAndComesBackByItself() throws Exception {
    redis = RedisServer.start(dir);
    Duration timeout = Duration.ofMillis(200);
    RedisRateLimiterBackend backend =
        backend(RedisFailureMode.LOCAL, timeout, 3, Duration.ofMillis(200));
    // Slow refill, large burst: every call is admitted, and each key lives long enough to be
    // counted.
    MethodRateLimiter limiter = backend.forMethod("t.Svc/Killed", new RateLimitSpec(1, 100_000));

    AtomicBoolean running = new AtomicBoolean(true);
    AtomicLong slowest = new AtomicLong();
    LongAdder decisions = new LongAdder();
    AtomicInteger clients = new AtomicInteger();
    List<Thread> load = new ArrayList<>();
    for (int t = 0; t < 2; t++) {
      Thread thread =
          new Thread(
              () -> {
                while (running.get()) {
                  long start = System.nanoTime();
                  limiter.tryAcquire("client-" + (clients.incrementAndGet() % 100));
                  slowest.accumulateAndGet(System.nanoTime() - start, Math::max);
                  decisions.increment();
                }
              },
              "load-" + t);
      thread.setDaemon(true);
      load.add(thread);
      thread.start();
    }
    try {
      await().atMost(RECOVERY).until(() -> redis.admin().keys("mesh:rl:*").size() > 10);
      // Redis is up: it decides. Not "no fallback ever": on a busy machine a decision may miss the
      // 50 ms timeout and open the breaker for a cool-down; wait for a stretch with none.
      await()
          .atMost(RECOVERY)
          .until(
              () -> {
                long before = backend.fallbacks();
                Thread.sleep(300);
                return backend.fallbacks() == before && !backend.isCircuitOpen();
              });

      redis.kill();
      await().atMost(RECOVERY).until(backend::isCircuitOpen);
      long fallbacksWhileDown = backend.fallbacks();
      long decisionsBefore = decisions.sum();
      Thread.sleep(1_000);
      assertThat(decisions.sum() - decisionsBefore)
          .as("calls keep being decided while Redis is down")
          .isGreaterThan(100);
      assertThat(backend.fallbacks()).as("by the failure mode").isGreaterThan(fallbacksWhileDown);
      assertThat(backend.isCircuitOpen()).isTrue();

      redis.start();
      await().atMost(RECOVERY).until(() -> !backend.isCircuitOpen());
      await().atMost(RECOVERY).until(() -> redis.admin().keys("mesh:rl:*").size() > 10);
      assertThat(redis.admin().scriptExists(GcraScript.SHA1))
          .as("reloaded into the fresh Redis")
          .containsExactly(true);
      // Back on Redis: a stretch with no fallback (a busy machine may miss the timeout now and
      // then and open the breaker for a cool-down, so not "no fallback from now on").
      await()
          .atMost(RECOVERY)
          .until(
              () -> {
                long before = backend.fallbacks();
                Thread.sleep(300);
                return backend.fallbacks() == before;
              });
    } finally {
      running.set(false);
      for (Thread thread : load) {
        thread.join(5_000);
      }
    }
    assertThat(slowest.get()).as("the slowest call, ns").isLessThan(timeout.toNanos() + MARGIN);
  }

  @Test
  void slowRedisCostsEachCallAtMostTheTimeoutUntilTheCircuitOpens() throws Exception {
    redis = RedisServer.start(dir);
    // Long enough that a decision that skips Redis is told apart from one that waits for it on a
    // busy machine; the cool-down outlasts the calls made while the circuit is open.
    Duration timeout = Duration.ofMillis(500);
    RedisRateLimiterBackend backend =
        backend(RedisFailureMode.DENY, timeout, 2, Duration.ofSeconds(2));
    MethodRateLimiter limiter =
        backend.forMethod("t.Svc/Slow", new RateLimitSpec(0.01, 1_000)); // keys live 100 s
    assertThat(limiter.tryAcquire("alice")).isZero();

    redis.admin().clientPause(3_000); // mode ALL: Redis answers nobody for 3 s
    for (int i = 0; i < 2; i++) {
      long start = System.nanoTime();
      assertThat(limiter.tryAcquire("alice"))
          .as("deny mode")
          .isEqualTo(RedisRateLimiterBackend.DENY_WAIT_NANOS);
      long took = System.nanoTime() - start;
      assertThat(took)
          .as("waited for Redis up to the timeout")
          .isGreaterThanOrEqualTo(timeout.toNanos() - MS)
          .isLessThan(timeout.toNanos() + MARGIN);
    }
    assertThat(backend.isCircuitOpen()).isTrue();
    long start = System.nanoTime();
    assertThat(limiter.tryAcquire("alice")).isEqualTo(RedisRateLimiterBackend.DENY_WAIT_NANOS);
    assertThat(System.nanoTime() - start)
        .as("open circuit: no waiting for Redis")
        .isLessThan(timeout.toNanos());
    assertThat(backend.fallbacks()).isEqualTo(3);

    // The pause ends; a probe after the cool-down finds Redis answering and closes the circuit.
    await()
        .atMost(RECOVERY)
        .pollInterval(Duration.ofMillis(50))
        .until(
            () -> {
              limiter.tryAcquire("bob");
              return !backend.isCircuitOpen();
            });
    long fallbacks = backend.fallbacks();
    assertThat(limiter.tryAcquire("carol")).isZero();
    assertThat(backend.fallbacks()).isEqualTo(fallbacks);
    assertThat(redis.admin().exists("mesh:rl:{t.Svc/Slow|carol}")).isEqualTo(1);
  }

  @Test
  void failureModesDecideWhileRedisIsUnreachable() {
    redis = RedisServer.notStarted(dir);
    RateLimitSpec spec = new RateLimitSpec(0.001, 2);
    MethodRateLimiter local =
        backend(RedisFailureMode.LOCAL, Duration.ofMillis(20), 5, Duration.ofSeconds(1))
            .forMethod("t.Svc/Down", spec);
    MethodRateLimiter deny =
        backend(RedisFailureMode.DENY, Duration.ofMillis(20), 5, Duration.ofSeconds(1))
            .forMethod("t.Svc/Down", spec);
    MethodRateLimiter allow =
        backend(RedisFailureMode.ALLOW, Duration.ofMillis(20), 5, Duration.ofSeconds(1))
            .forMethod("t.Svc/Down", spec);

    assertThat(local.tryAcquire("alice")).as("local: the same limit, in process").isZero();
    assertThat(local.tryAcquire("alice")).isZero();
    assertThat(local.tryAcquire("alice")).isPositive();
    for (int i = 0; i < 5; i++) {
      assertThat(deny.tryAcquire("alice"))
          .as("deny")
          .isEqualTo(RedisRateLimiterBackend.DENY_WAIT_NANOS);
      assertThat(allow.tryAcquire("alice")).as("allow").isZero();
    }
    for (RedisRateLimiterBackend backend : backends) {
      assertThat(backend.isRedisReachable(Duration.ofMillis(100))).isFalse();
    }
    assertThat(backends.get(0).fallbacks()).isEqualTo(3);
    assertThat(backends.get(1).fallbacks()).isEqualTo(5);
    assertThat(backends.get(2).fallbacks()).isEqualTo(5);
    assertThat(backends.get(0).fallbackTrackedClients()).isEqualTo(1);
  }

  @Test
  void aBackendStartedBeforeRedisConnectsOnceRedisIsUp() {
    redis = RedisServer.notStarted(dir);
    RedisRateLimiterBackend backend =
        backend(RedisFailureMode.ALLOW, Duration.ofMillis(50), 2, Duration.ofMillis(100));
    MethodRateLimiter limiter = backend.forMethod("t.Svc/Late", new RateLimitSpec(0.001, 1));
    assertThat(limiter.tryAcquire("alice")).as("allowed by the failure mode").isZero();
    assertThat(limiter.tryAcquire("alice")).isZero();

    redis.start();
    await()
        .atMost(RECOVERY)
        .pollInterval(Duration.ofMillis(20))
        .until(
            () ->
                limiter.tryAcquire("probe") >= 0
                    && backend.isRedisReachable(Duration.ofMillis(500)));
    await()
        .atMost(RECOVERY)
        .pollInterval(Duration.ofMillis(20))
        .until(
            () -> {
              limiter.tryAcquire("bob");
              return redis.admin().exists("mesh:rl:{t.Svc/Late|bob}") == 1;
            });
    assertThat(limiter.tryAcquire("bob"))
        .as("Redis decides now: bob's one token is gone")
        .isPositive();
  }
}
