package dev.datapunk.mesh.runtime.ratelimit.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.datapunk.mesh.runtime.policy.RateLimitSpec;
import dev.datapunk.mesh.runtime.ratelimit.MethodRateLimiter;
import io.lettuce.core.cluster.SlotHash;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Redis limiter's decisions against a real redis-server: the token-bucket semantics of the
 * local limiter, timed by Redis's clock, with keys, TTLs, script reloading and limit updates as
 * documented. Every decision here comes from Redis (the timeout is generous and no fallback is
 * allowed).
 */
class RedisGcraSemanticsTest {

  private static final long MS = 1_000_000L;

  @TempDir static Path dir;
  private static RedisServer redis;

  private final List<RedisRateLimiterBackend> backends = new ArrayList<>();

  @BeforeAll
  static void startRedis() {
    redis = RedisServer.start(dir);
  }

  @AfterAll
  static void stopRedis() {
    redis.close();
  }

  @AfterEach
  void noFallbackAndClose() {
    for (RedisRateLimiterBackend backend : backends) {
      assertThat(backend.fallbacks()).as("decisions not taken by Redis").isZero();
      backend.close();
    }
  }

  private RedisRateLimiterBackend backend() {
    return backend(RedisRateLimiterBackend.builder(redis.uri()).timeout(Duration.ofSeconds(2)));
  }

  private RedisRateLimiterBackend backend(RedisRateLimiterBackend.Builder builder) {
    RedisRateLimiterBackend backend = builder.build();
    backends.add(backend);
    return backend;
  }

  @Test
  void newClientGetsExactlyItsBurstThenTheExactWaitForOneToken() {
    // One token every 10 s: no token comes back while the burst is spent, however busy the machine.
    MethodRateLimiter limiter = backend().forMethod("t.Svc/Burst", new RateLimitSpec(0.1, 5));
    long started = System.nanoTime();
    for (int i = 0; i < 5; i++) {
      assertThat(limiter.tryAcquire("alice")).as("call %d", i).isZero();
    }
    long wait = limiter.tryAcquire("alice");
    long elapsed = System.nanoTime() - started;
    // counted from the first call: the wait is 10 s less the time the burst took (a few ms on a
    // quiet machine, tens on a busy one)
    assertThat(wait)
        .isPositive()
        .isLessThanOrEqualTo(10_000 * MS)
        .isGreaterThan(10_000 * MS - elapsed - 5 * MS);
    long again = limiter.tryAcquire("alice");
    assertThat(again)
        .as("a refused call takes nothing: the wait only shrinks")
        .isPositive()
        .isLessThanOrEqualTo(wait);

    assertThat(limiter.tryAcquire("bob")).as("another client has its own full bucket").isZero();
  }

  @Test
  void waitingTheReturnedTimeGetsExactlyOneToken() throws Exception {
    // One token a second: the calls between two sleeps, a few Redis round trips apart, cannot earn
    // a fresh token even on a busy machine.
    MethodRateLimiter limiter = backend().forMethod("t.Svc/Refill", new RateLimitSpec(1, 1));
    assertThat(limiter.tryAcquire("alice")).isZero();
    long wait = limiter.tryAcquire("alice");
    assertThat(wait).isPositive().isLessThanOrEqualTo(1_000 * MS);
    TimeUnit.NANOSECONDS.sleep(wait + 2 * MS);
    assertThat(limiter.tryAcquire("alice")).as("admitted once the wait is over").isZero();
    assertThat(limiter.tryAcquire("alice")).as("and only one token came back").isPositive();
  }

  @Test
  void sustainedCallsAreAdmittedAtTheRateAfterTheBurst() {
    // A burst of a second's worth of tokens: a stall of the calling thread shorter than that (a
    // busy
    // machine) loses no token, the bucket only fills meanwhile.
    RateLimitSpec spec = new RateLimitSpec(50, 50);
    MethodRateLimiter limiter = backend().forMethod("t.Svc/Rate", spec);
    long start = System.nanoTime();
    long admitted = 0;
    while (System.nanoTime() - start < 2_000 * MS) {
      if (limiter.tryAcquire("alice") == 0) {
        admitted++;
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    assertThat(admitted)
        .isLessThanOrEqualTo((long) Math.floor(spec.burst() + spec.rps() * seconds) + 1);
    assertThat(admitted).isGreaterThanOrEqualTo((long) (spec.burst() + 0.8 * spec.rps() * seconds));
  }

  @Test
  void keysAreNamespacedAndHashTaggedByMethodAndClient() {
    MethodRateLimiter limiter = backend().forMethod("t.Svc/Keys", new RateLimitSpec(1, 5));
    MethodRateLimiter custom =
        backend(
                RedisRateLimiterBackend.builder(redis.uri())
                    .timeout(Duration.ofSeconds(2))
                    .prefix("other:"))
            .forMethod("t.Svc/Keys", new RateLimitSpec(1, 5));
    limiter.tryAcquire("ip:10.0.0.7");
    custom.tryAcquire("ip:10.0.0.7");

    String key = "mesh:rl:{t.Svc/Keys|ip:10.0.0.7}";
    assertThat(redis.admin().keys("*{t.Svc/Keys|*"))
        .containsExactlyInAnyOrder(key, "other:{t.Svc/Keys|ip:10.0.0.7}");
    assertThat(SlotHash.getSlot(key))
        .as("the slot depends on the tag only")
        .isEqualTo(SlotHash.getSlot("t.Svc/Keys|ip:10.0.0.7"))
        .isEqualTo(SlotHash.getSlot("other:{t.Svc/Keys|ip:10.0.0.7}"));
    assertThat(redis.admin().get(key)).as("<tat> <T in us> <burst>").matches("[0-9.e+]+ 1000000 5");
  }

  @Test
  void aNonAsciiClientKeyNamesItsOwnBucketInUtf8() {
    RateLimitSpec spec = new RateLimitSpec(0.01, 2); // keys live 100 s a missing token
    RedisMethodRateLimiter limiter =
        (RedisMethodRateLimiter) backend().forMethod("t.Svc/Utf8", spec);
    String client = "sub:zo\u00eb/\u540d\u524d/\ud83d\ude80";
    assertThat(limiter.tryAcquire(client)).isZero();
    assertThat(limiter.tryAcquire(client)).isZero();
    assertThat(limiter.tryAcquire(client))
        .as("the same bucket each time: the burst of 2 is spent")
        .isPositive();
    assertThat(limiter.tryAcquire("sub:zoe/")).as("an ASCII look-alike is another client").isZero();

    String key = "mesh:rl:{t.Svc/Utf8|" + client + "}";
    assertThat(limiter.keyOf(client)).isEqualTo(key);
    assertThat(redis.admin().keys("*{t.Svc/Utf8|*"))
        .containsExactlyInAnyOrder(key, "mesh:rl:{t.Svc/Utf8|sub:zoe/}");
    assertThat(redis.admin().get(key))
        .as("<tat> <T in us> <burst>")
        .matches("[0-9.e+]+ 100000000 2");
  }

  @Test
  void theKeyLivesExactlyUntilTheBucketIsFullAgain() {
    // 5 s a token: the calls and TTL reads below, a few Redis round trips apart, take far less.
    MethodRateLimiter limiter = backend().forMethod("t.Svc/Ttl", new RateLimitSpec(0.2, 3));
    String key = "mesh:rl:{t.Svc/Ttl|alice}";
    assertThat(limiter.tryAcquire("alice")).isZero();
    assertThat(redis.admin().pttl(key))
        .as("one token missing")
        .isPositive()
        .isLessThanOrEqualTo(5_000);
    assertThat(limiter.tryAcquire("alice")).isZero();
    assertThat(limiter.tryAcquire("alice")).isZero();
    long empty = redis.admin().pttl(key);
    assertThat(empty).as("three tokens missing").isGreaterThan(10_000).isLessThanOrEqualTo(15_000);
    assertThat(limiter.tryAcquire("alice")).isPositive();
    assertThat(redis.admin().pttl(key))
        .as("a refused call leaves the key alone")
        .isLessThanOrEqualTo(empty);

    MethodRateLimiter fast =
        backend().forMethod("t.Svc/Expiry", new RateLimitSpec(100, 1)); // 10 ms to full
    assertThat(fast.tryAcquire("carol")).isZero();
    await("an idle full bucket vanishes")
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(5))
        .until(() -> redis.admin().exists("mesh:rl:{t.Svc/Expiry|carol}") == 0);
  }

  @Test
  void aFlushedScriptIsReloadedAndTheDecisionStillComesFromRedis() {
    MethodRateLimiter limiter = backend().forMethod("t.Svc/NoScript", new RateLimitSpec(0.001, 2));
    assertThat(limiter.tryAcquire("alice")).isZero();
    assertThat(redis.admin().scriptFlush()).isEqualTo("OK");
    assertThat(redis.admin().scriptExists(GcraScript.SHA1)).containsExactly(false);

    assertThat(limiter.tryAcquire("alice"))
        .as("second token, decided by Redis after NOSCRIPT")
        .isZero();
    assertThat(limiter.tryAcquire("alice")).as("the shared bucket is empty now").isPositive();
    assertThat(redis.admin().scriptExists(GcraScript.SHA1)).containsExactly(true);
  }

  @Test
  void anUpdateKeepsTheTokensABucketHoldsAndAppliesTheNewLimit() throws Exception {
    MethodRateLimiter limiter = backend().forMethod("t.Svc/Update", new RateLimitSpec(0.001, 5));
    for (int i = 0; i < 5; i++) {
      assertThat(limiter.tryAcquire("alice")).isZero();
    }
    assertThat(limiter.tryAcquire("alice")).isPositive();

    limiter.updateSpec(new RateLimitSpec(0.001, 10));
    assertThat(limiter.spec()).isEqualTo(new RateLimitSpec(0.001, 10));
    assertThat(limiter.tryAcquire("alice"))
        .as("a larger burst creates no tokens for an empty bucket")
        .isPositive();
    for (int i = 0; i < 10; i++) {
      assertThat(limiter.tryAcquire("bob"))
          .as("a new client starts full under the new limit: call %d", i)
          .isZero();
    }
    assertThat(limiter.tryAcquire("bob")).isPositive();

    // 2 per second: a token per 500 ms, so the three calls after the sleep, a few Redis round trips
    // apart, cannot earn a fresh token between them even on a busy machine.
    limiter.updateSpec(new RateLimitSpec(2, 2));
    long wait = limiter.tryAcquire("alice");
    assertThat(wait)
        .as("refills at the new rate: a token per 500 ms")
        .isLessThanOrEqualTo(500 * MS);
    TimeUnit.NANOSECONDS.sleep(
        wait + 600 * MS); // the first token after the wait, the second 500 ms later
    assertThat(limiter.tryAcquire("alice")).isZero();
    assertThat(limiter.tryAcquire("alice")).as("at most the new burst of 2").isZero();
    assertThat(limiter.tryAcquire("alice")).isPositive();
  }

  @Test
  void replicasWithDifferentLimitsNeverCreateTokensForEachOther() {
    MethodRateLimiter small = backend().forMethod("t.Svc/Mixed", new RateLimitSpec(0.001, 2));
    MethodRateLimiter large = backend().forMethod("t.Svc/Mixed", new RateLimitSpec(0.001, 4));
    // Full under either limit: a new client gets the burst of the replica it calls first.
    assertThat(small.tryAcquire("alice")).isZero();
    assertThat(large.tryAcquire("alice"))
        .as("1 token left of 2, carried to burst 4: still 1 left")
        .isZero();
    assertThat(small.tryAcquire("alice")).as("empty now under either limit").isPositive();
    assertThat(large.tryAcquire("alice")).isPositive();
  }

  @Test
  void oneLimiterPerMethodAndValidatedSettings() {
    RedisRateLimiterBackend backend = backend();
    assertThat(backend.name()).isEqualTo("redis");
    backend.forMethod("t.Svc/Once", new RateLimitSpec(1, 1));
    assertThrows(
        IllegalStateException.class,
        () -> backend.forMethod("t.Svc/Once", new RateLimitSpec(1, 1)));
    var builder = RedisRateLimiterBackend.builder(redis.uri());
    assertThat(
            assertThrows(IllegalArgumentException.class, () -> builder.prefix("a{b")).getMessage())
        .contains("prefix", "a{b");
    assertThrows(IllegalArgumentException.class, () -> builder.timeout(Duration.ZERO));
    assertThrows(IllegalArgumentException.class, () -> builder.breakerFailures(0));
  }
}
