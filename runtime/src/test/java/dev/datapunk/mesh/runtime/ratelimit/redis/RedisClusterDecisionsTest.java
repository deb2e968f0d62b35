package dev.datapunk.mesh.runtime.ratelimit.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.datapunk.mesh.runtime.policy.RateLimitSpec;
import dev.datapunk.mesh.runtime.ratelimit.MethodRateLimiter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Redis backend on a real three-master Redis Cluster ({@code cluster(true)}): decisions go to
 * the node owning each key (no MOVED), are exact, are shared by several backends, and survive the
 * script being flushed on every node. Every decision here must come from Redis: the timeout is
 * generous and no fallback is allowed.
 */
class RedisClusterDecisionsTest {

  private static final Duration GENEROUS_TIMEOUT = Duration.ofSeconds(2);

  @TempDir static Path dir;

  private static RedisCluster cluster;

  @BeforeAll
  static void startCluster() {
    cluster = RedisCluster.start(dir);
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @BeforeEach
  void emptyNodes() {
    for (RedisServer node : cluster.nodes()) {
      node.admin().flushall();
      node.admin().configResetstat();
    }
  }

  private static RedisRateLimiterBackend clusterBackend() {
    return RedisRateLimiterBackend.builder(cluster.seeds())
        .cluster(true)
        .timeout(GENEROUS_TIMEOUT)
        .build();
  }

  @Test
  void aThousandClientsAreDecidedOnTheNodesThatOwnTheirKeys() {
    try (RedisRateLimiterBackend backend = clusterBackend()) {
      // One token a minute: each key lives (TTL) a minute after its one admitted call.
      MethodRateLimiter limiter = backend.forMethod("t.Svc/Spread", new RateLimitSpec(1.0 / 60, 3));
      for (int i = 0; i < 1000; i++) {
        assertThat(limiter.tryAcquire(client(i))).as("first call of " + client(i)).isZero();
      }
      assertThat(backend.fallbacks()).as("decisions not taken by Redis").isZero();
    }
    long keys = 0;
    long evalshas = 0;
    for (RedisServer node : cluster.nodes()) {
      long size = node.admin().dbsize();
      assertThat(size).as("keys on node " + node.port()).isPositive();
      keys += size;
      for (String key : node.admin().keys("*")) {
        assertThat(key).startsWith("mesh:rl:{t.Svc/Spread|ip:");
        assertThat(node.admin().pttl(key)).as("TTL of " + key).isPositive();
      }
      String errors = node.admin().info("errorstats");
      assertThat(errors)
          .as("node " + node.port() + " redirected a decision")
          .doesNotContain("MOVED", "ASK");
      evalshas += stat(node.admin().info("commandstats"), "evalsha", "calls");
      assertThat(stat(node.admin().info("commandstats"), "evalsha", "rejected_calls")).isZero();
    }
    assertThat(keys).isEqualTo(1000);
    assertThat(evalshas)
        .as("one EVALSHA per decision, each on the right node the first time")
        .isEqualTo(1000);
  }

  @Test
  void aFullBucketAdmitsExactlyItsBurstThenSaysHowLongToWait() {
    // A token every 10 s: none comes back while a client's calls run, however busy the machine.
    RateLimitSpec spec = new RateLimitSpec(0.1, 5);
    try (RedisRateLimiterBackend backend = clusterBackend()) {
      MethodRateLimiter limiter = backend.forMethod("t.Svc/Exact", spec);
      for (int c = 0; c < 12; c++) { // a dozen clients: keys on every node
        String client = "user:" + c;
        for (int i = 0; i < spec.burst(); i++) {
          assertThat(limiter.tryAcquire(client)).as(client + " call " + i).isZero();
        }
        long wait = limiter.tryAcquire(client);
        assertThat(wait)
            .as(client + " past its burst")
            .isGreaterThan(TimeUnit.SECONDS.toNanos(5))
            .isLessThanOrEqualTo(TimeUnit.SECONDS.toNanos(10));
        assertThat(limiter.tryAcquire(client)).as(client + " again").isPositive();
      }
      assertThat(backend.fallbacks()).isZero();
    }
    for (RedisServer node : cluster.nodes()) {
      assertThat(node.admin().dbsize()).as("keys on node " + node.port()).isPositive();
    }
  }

  @Test
  void threeBackendsShareOneLimitAcrossTheCluster() throws Exception {
    // A burst of a second's worth of tokens: a thread stalled for less loses none.
    RateLimitSpec spec = new RateLimitSpec(200, 200);
    List<RedisRateLimiterBackend> replicas = new ArrayList<>();
    try {
      List<MethodRateLimiter> limiters = new ArrayList<>();
      for (int r = 0; r < 3; r++) {
        RedisRateLimiterBackend replica = clusterBackend();
        replicas.add(replica);
        limiters.add(replica.forMethod("t.Svc/Shared", spec));
      }
      SharedLimitHammer.Result result =
          SharedLimitHammer.run(limiters, 2, "ip:10.1.2.3", Duration.ofSeconds(3));
      double bound = result.allowed(spec);
      System.out.printf(
          "cluster shared limit: %d admitted, %d refused in %.3f s by 3 backends; bound %.1f"
              + " (%.1f%%)%n",
          result.admitted(),
          result.refused(),
          result.seconds(),
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

  @Test
  void decisionsGoOnWhenEveryNodeFlushesItsScripts() throws Exception {
    LongAdder decisions = new LongAdder();
    AtomicLong failures = new AtomicLong();
    AtomicBoolean running = new AtomicBoolean(true);
    try (RedisRateLimiterBackend backend = clusterBackend()) {
      MethodRateLimiter limiter = backend.forMethod("t.Svc/Flush", new RateLimitSpec(1000, 1000));
      Thread[] threads = new Thread[2];
      for (int t = 0; t < threads.length; t++) {
        int offset = t;
        threads[t] =
            new Thread(
                () -> {
                  try {
                    for (int i = offset; running.get(); i += 2) {
                      limiter.tryAcquire(client(i % 300));
                      decisions.increment();
                    }
                  } catch (RuntimeException e) {
                    failures.incrementAndGet();
                  }
                },
                "flush-load-" + t);
        threads[t].setDaemon(true);
        threads[t].start();
      }
      try {
        await().atMost(Duration.ofSeconds(20)).until(() -> decisions.sum() >= 300);
        long before = decisions.sum();
        for (RedisServer node : cluster.nodes()) {
          assertThat(node.admin().scriptFlush()).isEqualTo("OK");
        }
        // Enough decisions after the flush that each node's keys are asked for again.
        await()
            .atMost(Duration.ofSeconds(20))
            .until(() -> decisions.sum() >= before + 600 || failures.get() > 0);
      } finally {
        running.set(false);
        for (Thread thread : threads) {
          thread.join(TimeUnit.SECONDS.toMillis(20));
          assertThat(thread.isAlive()).isFalse();
        }
      }
      assertThat(failures.get()).isZero();
      assertThat(backend.fallbacks()).as("decisions not taken by Redis").isZero();
    }
    long noscripts = 0;
    for (RedisServer node : cluster.nodes()) {
      noscripts += stat(node.admin().info("errorstats"), "NOSCRIPT", "count");
      assertThat(node.admin().scriptExists(GcraScript.SHA1))
          .as("script cached again on " + node.port())
          .containsExactly(true);
    }
    assertThat(noscripts).as("NOSCRIPT replies: the flush hit the load").isPositive();
  }

  private static String client(int i) {
    return "ip:10.0." + i / 256 + "." + i % 256;
  }

  /**
   * A number of a {@code cmdstat_<name>:a=1,b=2} or {@code errorstat_<name>:count=1} line; 0 if
   * absent.
   */
  private static long stat(String info, String name, String field) {
    Matcher line =
        Pattern.compile("(?m)^(?:cmdstat|errorstat)_" + Pattern.quote(name) + ":(.*)$")
            .matcher(info);
    if (!line.find()) {
      return 0;
    }
    Matcher value =
        Pattern.compile("(?:^|,)" + Pattern.quote(field) + "=([0-9]+)")
            .matcher(line.group(1).strip());
    return value.find() ? Long.parseLong(value.group(1)) : 0;
  }
}
