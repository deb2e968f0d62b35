package dev.datapunk.mesh.runtime.ratelimit.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.datapunk.mesh.runtime.policy.RateLimitSpec;
import dev.datapunk.mesh.runtime.ratelimit.MethodRateLimiter;
import io.lettuce.core.cluster.SlotHash;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A failover on a real Redis Cluster with replicas: the master of some keys dies, its replica takes
 * over, and the backend follows the new topology by itself, so those keys are decided by Redis
 * again (by the promoted replica, which also lacks the script at first) without a restart.
 */
class RedisClusterFailoverTest {

  private static final Duration NODE_TIMEOUT = Duration.ofSeconds(1);

  /**
   * Long enough that a live master's answer never misses it on a busy machine (then it would be a
   * fallback).
   */
  private static final Duration TIMEOUT = Duration.ofMillis(500);

  /**
   * Failover takes about the node timeout, and Lettuce's adaptive refresh (the old master's
   * connection keeps failing) finds the new master seconds later (4.6 s after the kill when this
   * was written). Shorter than the 30 s periodic refresh, so the test fails if only that one
   * worked.
   */
  private static final Duration RECOVERY_DEADLINE = Duration.ofSeconds(20);

  private static final String METHOD = "t.Svc/Failover";

  @Test
  void afterAReplicaTakesOverFromADeadMasterItsKeysAreDecidedByRedisAgain(@TempDir Path dir)
      throws Exception {
    try (RedisCluster cluster = RedisCluster.startWithReplicas(dir, NODE_TIMEOUT);
        RedisRateLimiterBackend backend =
            RedisRateLimiterBackend.builder(cluster.seeds())
                .cluster(true)
                .timeout(TIMEOUT)
                .breakerCoolDown(Duration.ofMillis(200))
                .build()) {
      MethodRateLimiter limiter = backend.forMethod(METHOD, new RateLimitSpec(1000, 1000));
      RedisServer victim = aMaster(cluster);
      RedisServer survivor =
          cluster.nodes().stream().filter(node -> node != victim).findFirst().orElseThrow();
      List<String> victimClients = clientsOwnedBy(victim);
      assertThat(decideAll(limiter, victimClients, backend))
          .as("fallbacks before the failover")
          .isZero();

      victim.kill();
      long killed = System.nanoTime();
      awaitFailover(survivor, victim.port());
      long failedOver = System.nanoTime();

      long recovered = 0;
      while (System.nanoTime() - killed < RECOVERY_DEADLINE.toNanos()) {
        if (decideAll(limiter, victimClients, backend) == 0) {
          recovered = System.nanoTime();
          break;
        }
        Thread.sleep(100);
      }
      System.out.printf(
          "cluster failover: replica promoted %.1f s after the kill, its keys decided by Redis"
              + " again %s%n",
          (failedOver - killed) / 1e9,
          recovered == 0
              ? "never"
              : String.format("%.1f s after the kill", (recovered - killed) / 1e9));
      assertThat(recovered)
          .as("the dead master's keys decided by Redis again within " + RECOVERY_DEADLINE)
          .isNotZero();
      assertThat(decideAll(limiter, victimClients, backend))
          .as("fallbacks once recovered")
          .isZero();
    }
  }

  /** Decides once for each client; returns how many of those decisions the failure mode took. */
  private static long decideAll(
      MethodRateLimiter limiter, List<String> clients, RedisRateLimiterBackend backend) {
    long before = backend.fallbacks();
    for (String client : clients) {
      limiter.tryAcquire(client);
    }
    return backend.fallbacks() - before;
  }

  private static RedisServer aMaster(RedisCluster cluster) {
    return cluster.nodes().stream()
        .filter(node -> node.admin().info("replication").contains("role:master"))
        .findFirst()
        .orElseThrow();
  }

  /** 20 clients whose keys hash to slots served by {@code master}. */
  private static List<String> clientsOwnedBy(RedisServer master) {
    Map<Integer, Integer> ownerPorts = RedisCluster.slotOwnerPorts(master);
    Integer port = master.port();
    List<String> clients = new ArrayList<>();
    for (int i = 0; clients.size() < 20; i++) {
      String client = "user:" + i;
      if (port.equals(
          ownerPorts.get(SlotHash.getSlot("mesh:rl:{" + METHOD + "|" + client + "}")))) {
        clients.add(client);
      }
    }
    return clients;
  }

  /**
   * Waits until {@code survivor} sees the cluster whole again with no slot left on the dead port.
   */
  private static void awaitFailover(RedisServer survivor, int deadPort)
      throws InterruptedException {
    long deadline = System.nanoTime() + RECOVERY_DEADLINE.toNanos();
    while (System.nanoTime() - deadline < 0) {
      if (survivor.admin().clusterInfo().contains("cluster_state:ok")
          && !servesSlots(survivor, deadPort)) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError(
        "no replica took over from port " + deadPort + " within " + RECOVERY_DEADLINE);
  }

  private static boolean servesSlots(RedisServer node, int port) {
    return RedisCluster.slotOwnerPorts(node).containsValue(port);
  }
}
