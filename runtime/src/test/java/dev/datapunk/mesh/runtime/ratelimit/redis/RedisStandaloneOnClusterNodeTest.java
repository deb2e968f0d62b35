package dev.datapunk.mesh.runtime.ratelimit.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.datapunk.mesh.runtime.policy.RateLimitSpec;
import dev.datapunk.mesh.runtime.ratelimit.MethodRateLimiter;
import dev.datapunk.mesh.runtime.reliability.StderrCapture;
import io.lettuce.core.AclSetuserArgs;
import io.lettuce.core.KillArgs;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.protocol.CommandType;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ratelimit.redis.cluster=false} (a standalone link) pointed at one master of a real
 * three-master Redis Cluster: the link says so in one WARN per connection naming {@code
 * ratelimit.redis.cluster}, decides the keys of that master's own slots on Redis, and leaves the
 * keys of the other masters' slots (MOVED, or ASK while a slot migrates) to the failure mode with a
 * message that says the decision was redirected. A plain Redis, and a Redis that refuses INFO, give
 * no such WARN and are used as before.
 */
class RedisStandaloneOnClusterNodeTest {

  /**
   * Generous: no decision of the connected node's own keys may go to the failure mode for slowness.
   */
  private static final Duration GENEROUS_TIMEOUT = Duration.ofSeconds(2);

  /** A redirected decision fails at once; a hang would be the whole timeout or more. */
  private static final long NO_HANG_NANOS =
      GENEROUS_TIMEOUT.toNanos() + TimeUnit.SECONDS.toNanos(1);

  private static final Duration LOG_WAIT = Duration.ofSeconds(10);
  private static final String WARNING =
      "is a Redis Cluster node but ratelimit.redis.cluster is false";

  @TempDir static Path dir;

  private static RedisCluster cluster;

  /** The master the standalone backends connect to. */
  private static RedisServer node;

  private static Map<Integer, Integer> ownerPorts;

  @BeforeAll
  static void startCluster() {
    cluster = RedisCluster.start(dir.resolve("cluster"));
    node = cluster.nodes().get(0);
    ownerPorts = RedisCluster.slotOwnerPorts(node);
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @BeforeEach
  void emptyNodes() {
    for (RedisServer each : cluster.nodes()) {
      each.admin().flushall();
    }
  }

  @Test
  void theWarningNamesTheSettingOncePerConnectionAndTheNodesOwnKeysAreDecidedOnRedis() {
    try (StderrCapture log = StderrCapture.start();
        RedisRateLimiterBackend backend =
            RedisRateLimiterBackend.builder(node.uri())
                .timeout(GENEROUS_TIMEOUT)
                .failureMode(RedisFailureMode.LOCAL)
                .breakerFailures(1_000_000)
                .build()) {
      await().atMost(LOG_WAIT).until(() -> !warnings(log).isEmpty());
      assertThat(warnings(log))
          .singleElement()
          .satisfies(
              line ->
                  assertThat(line)
                      .contains(
                          "WARN",
                          "the Redis at 127.0.0.1:" + node.port(),
                          "decided by the failure mode",
                          "set ratelimit.redis.cluster=true",
                          "ratelimit.redis.uri"));

      // One token a minute, burst 1: the first call of a client is admitted, the second refused.
      MethodRateLimiter limiter = backend.forMethod("t.Svc/Moved", new RateLimitSpec(1.0 / 60, 1));
      List<String> own = new ArrayList<>();
      List<String> others = new ArrayList<>();
      for (int i = 0; own.size() < 21 || others.size() < 20; i++) {
        String client = "ip:10.1.0." + i;
        (onThisNode("t.Svc/Moved", client) ? own : others).add(client);
      }
      for (String client : own.subList(0, 20)) {
        assertThat(timedAcquire(limiter, client)).as("first call of " + client).isZero();
        assertThat(timedAcquire(limiter, client)).as("second call of " + client).isPositive();
      }
      assertThat(backend.fallbacks()).as("own keys decided by the failure mode").isZero();
      assertThat(node.admin().dbsize()).as("buckets on the connected node").isEqualTo(20);

      for (String client : others.subList(0, 20)) {
        assertThat(timedAcquire(limiter, client))
            .as("first call of " + client + " (local)")
            .isZero();
        assertThat(timedAcquire(limiter, client))
            .as("second call of " + client + " (local)")
            .isPositive();
      }
      assertThat(backend.fallbacks())
          .as("other nodes' keys decided by the failure mode")
          .isEqualTo(40);
      assertThat(backend.fallbackTrackedClients()).isEqualTo(20);
      for (RedisServer other : cluster.nodes().subList(1, cluster.nodes().size())) {
        assertThat(other.admin().dbsize()).as("buckets on node " + other.port()).isZero();
      }
      assertThat(warnings(log)).as("still one WARN for the one connection").hasSize(1);

      // Lettuce reconnects after the connection is cut; the new connection is checked again (the
      // WARN comes with INFO's reply on it, so it is ready for decisions then).
      assertThat(node.admin().clientKill(KillArgs.Builder.typeNormal().skipme())).isPositive();
      await().atMost(LOG_WAIT).until(() -> warnings(log).size() == 2);
      assertThat(timedAcquire(limiter, own.get(20))).isZero();
      assertThat(backend.fallbacks())
          .as("decided on Redis again after the reconnect")
          .isEqualTo(40);
      assertThat(node.admin().dbsize()).isEqualTo(21);
      assertThat(warnings(log)).hasSize(2);
    }
  }

  @Test
  void aRedirectedDecisionSaysSoNamingTheSetting() throws Exception {
    RateLimitSpec spec = new RateLimitSpec(10, 10);
    byte[] keyStart = "mesh:rl:{t.Svc/Redirect|".getBytes(StandardCharsets.UTF_8);
    String movedClient = client("t.Svc/Redirect", false);
    String ownClient = client("t.Svc/Redirect", true);
    try (RedisLink link =
        RedisLink.open(
            node.uri(),
            Duration.ofSeconds(1),
            new CircuitBreaker(5, TimeUnit.SECONDS.toNanos(1), System::nanoTime))) {
      byte[] limit = RedisMethodRateLimiter.Limit.of(spec).arguments();
      RedisUnavailableException moved =
          assertThrows(
              RedisUnavailableException.class,
              () ->
                  link.decide(
                      new GcraCommandArguments(keyStart, movedClient, limit),
                      GENEROUS_TIMEOUT.toNanos()));
      assertThat(moved.getMessage())
          .startsWith("Redis redirected the decision (MOVED ")
          .contains("ratelimit.redis.cluster is false", "127.0.0.1:" + node.port());

      // A slot of this node that is migrating: a key it does not hold is answered with ASK.
      int slot = SlotHash.getSlot("mesh:rl:{t.Svc/Redirect|" + ownClient + "}");
      String target = cluster.nodes().get(1).admin().clusterMyId();
      assertThat(node.admin().clusterSetSlotMigrating(slot, target)).isEqualTo("OK");
      try {
        RedisUnavailableException ask =
            assertThrows(
                RedisUnavailableException.class,
                () ->
                    link.decide(
                        new GcraCommandArguments(keyStart, ownClient, limit),
                        GENEROUS_TIMEOUT.toNanos()));
        assertThat(ask.getMessage())
            .startsWith("Redis redirected the decision (ASK " + slot + " ")
            .contains("ratelimit.redis.cluster is false");
      } finally {
        node.admin().clusterSetSlotStable(slot);
      }
      assertThat(
              link.decide(
                  new GcraCommandArguments(keyStart, ownClient, limit), GENEROUS_TIMEOUT.toNanos()))
          .as("the slot is stable again and served by this node")
          .isZero();
    }

    // What the breaker logs when redirected decisions open the circuit points at the setting too.
    try (StderrCapture log = StderrCapture.start();
        RedisRateLimiterBackend backend =
            RedisRateLimiterBackend.builder(node.uri())
                .timeout(GENEROUS_TIMEOUT)
                .breakerFailures(2)
                .build()) {
      MethodRateLimiter limiter = backend.forMethod("t.Svc/Redirect", spec);
      assertThat(timedAcquire(limiter, movedClient)).isZero();
      assertThat(timedAcquire(limiter, movedClient)).isZero();
      assertThat(backend.isCircuitOpen()).isTrue();
      assertThat(
              log.linesContaining(
                  "circuit open",
                  "Redis redirected the decision (MOVED ",
                  "ratelimit.redis.cluster is false"))
          .hasSize(1);
    }
  }

  @Test
  void aPlainRedisGivesNoWarning(@TempDir Path own) {
    try (RedisServer redis = RedisServer.start(own);
        StderrCapture log = StderrCapture.start();
        RedisRateLimiterBackend backend =
            RedisRateLimiterBackend.builder(redis.uri()).timeout(GENEROUS_TIMEOUT).build()) {
      assertDecidedOnRedisWithoutWarning(backend, log);
    }
  }

  @Test
  void aRedisThatRefusesInfoIsUsedAsBeforeWithoutWarning(@TempDir Path own) {
    try (RedisServer redis = RedisServer.start(own)) {
      redis
          .admin()
          .aclSetuser(
              "limiter",
              AclSetuserArgs.Builder.on()
                  .addPassword("s3cret")
                  .allKeys()
                  .allCommands()
                  .removeCommand(CommandType.INFO));
      URI limited = URI.create("redis://limiter:s3cret@127.0.0.1:" + redis.port());
      try (StderrCapture log = StderrCapture.start();
          RedisRateLimiterBackend backend =
              RedisRateLimiterBackend.builder(limited).timeout(GENEROUS_TIMEOUT).build()) {
        assertDecidedOnRedisWithoutWarning(backend, log);
        assertThat(log.text()).doesNotContain("s3cret");
      }
    }
  }

  /**
   * Decisions answered by Redis on the backend's one connection come after its INFO reply (Lettuce
   * completes replies in order, and the check's callback runs as its reply completes), so a WARN
   * would be in the log by then.
   */
  private static void assertDecidedOnRedisWithoutWarning(
      RedisRateLimiterBackend backend, StderrCapture log) {
    MethodRateLimiter limiter = backend.forMethod("t.Svc/Plain", new RateLimitSpec(1.0 / 60, 1));
    for (int i = 0; i < 5; i++) {
      assertThat(timedAcquire(limiter, "ip:10.3.0." + i)).isZero();
      assertThat(timedAcquire(limiter, "ip:10.3.0." + i)).isPositive();
    }
    assertThat(backend.fallbacks()).as("decisions not taken by Redis").isZero();
    assertThat(log.linesContaining("Redis Cluster")).isEmpty();
    // The rate limiter's own warnings (standard error is the whole JVM's: other tests' threads may
    // still write to it).
    assertThat(log.linesContaining("WARN", "dev.datapunk.mesh.runtime.ratelimit")).isEmpty();
  }

  private static long timedAcquire(MethodRateLimiter limiter, String client) {
    long start = System.nanoTime();
    long wait = limiter.tryAcquire(client);
    assertThat(System.nanoTime() - start)
        .as("nanoseconds the decision of " + client + " took")
        .isLessThan(NO_HANG_NANOS);
    return wait;
  }

  /**
   * Whether the bucket of {@code client} for {@code method} lives in a slot of the connected node.
   */
  private static boolean onThisNode(String method, String client) {
    return ownerPorts.get(SlotHash.getSlot("mesh:rl:{" + method + "|" + client + "}"))
        == node.port();
  }

  /**
   * The first client {@code ip:10.2.0.<n>} whose bucket for {@code method} is (or is not) on the
   * connected node.
   */
  private static String client(String method, boolean onThisNode) {
    for (int i = 0; ; i++) {
      if (onThisNode(method, "ip:10.2.0." + i) == onThisNode) {
        return "ip:10.2.0." + i;
      }
    }
  }

  private static List<String> warnings(StderrCapture log) {
    return log.linesContaining(WARNING, "127.0.0.1:" + node.port());
  }
}
