package dev.datapunk.mesh.runtime.ratelimit.redis;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real Redis Cluster for tests: three masters on free loopback ports, without replicas ({@link
 * #start}) or with one replica each ({@link #startWithReplicas}), each node a {@link RedisServer}
 * with cluster support in its own directory, joined with {@code redis-cli --cluster create} and
 * waited for until every node says {@code cluster_state:ok} (and, with replicas, until every master
 * has its replica attached). Every step is bounded in time; {@link #close()} stops each node by its
 * pid.
 */
public final class RedisCluster implements AutoCloseable {

  private static final int MASTERS = 3;
  private static final Duration CREATE_TIMEOUT = Duration.ofSeconds(30);

  private final List<RedisServer> nodes;
  private final int replicasPerMaster;

  private RedisCluster(List<RedisServer> nodes, int replicasPerMaster) {
    this.nodes = nodes;
    this.replicasPerMaster = replicasPerMaster;
  }

  /**
   * Starts three nodes under {@code dir} and creates the cluster; fails (stopping them) if it
   * cannot.
   */
  public static RedisCluster start(Path dir) {
    return start(dir, 0, null);
  }

  /**
   * Starts six nodes under {@code dir}: three masters (the first three of {@link #nodes()}) and one
   * replica of each, with {@code cluster-node-timeout} {@code nodeTimeout}, so that a replica takes
   * over from a dead master about that long after it dies.
   */
  public static RedisCluster startWithReplicas(Path dir, Duration nodeTimeout) {
    return start(dir, 1, nodeTimeout);
  }

  private static RedisCluster start(Path dir, int replicasPerMaster, Duration nodeTimeout) {
    List<RedisServer> nodes = new ArrayList<>();
    RedisCluster cluster = new RedisCluster(nodes, replicasPerMaster);
    try {
      for (int i = 0; i < MASTERS * (1 + replicasPerMaster); i++) {
        Path nodeDir = Files.createDirectories(dir.resolve("node-" + i));
        nodes.add(RedisServer.startClusterNode(nodeDir, nodeTimeout));
      }
      cluster.create();
      cluster.awaitStateOk();
      if (replicasPerMaster > 0) {
        cluster.awaitReplicasAttached();
      }
      return cluster;
    } catch (IOException | RuntimeException e) {
      cluster.close();
      throw new IllegalStateException("cannot start a Redis Cluster: " + e.getMessage(), e);
    }
  }

  /** The nodes, in the order their ports were given to {@code redis-cli --cluster create}. */
  public List<RedisServer> nodes() {
    return nodes;
  }

  /** {@code redis://127.0.0.1:<port>} of every node: seed URIs. */
  public List<URI> seeds() {
    return nodes.stream().map(RedisServer::uri).toList();
  }

  /**
   * Each slot with the port of the master that serves it, from {@code CLUSTER SLOTS} of {@code
   * asked}.
   */
  public static Map<Integer, Integer> slotOwnerPorts(RedisServer asked) {
    Map<Integer, Integer> owners = new HashMap<>();
    for (Object range : asked.admin().clusterSlots()) {
      List<?> fields = (List<?>) range;
      int start = ((Number) fields.get(0)).intValue();
      int end = ((Number) fields.get(1)).intValue();
      int port = ((Number) ((List<?>) fields.get(2)).get(1)).intValue();
      for (int slot = start; slot <= end; slot++) {
        owners.put(slot, port);
      }
    }
    return owners;
  }

  @Override
  public void close() {
    for (RedisServer node : nodes) {
      node.close();
    }
  }

  private void create() {
    List<String> command = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
    for (RedisServer node : nodes) {
      command.add("127.0.0.1:" + node.port());
    }
    command.addAll(
        List.of("--cluster-replicas", Integer.toString(replicasPerMaster), "--cluster-yes"));
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      process.getOutputStream().close();
      if (!process.waitFor(CREATE_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException(
            "redis-cli --cluster create did not finish within " + CREATE_TIMEOUT);
      }
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (process.exitValue() != 0) {
        throw new IllegalStateException("redis-cli --cluster create failed: " + output);
      }
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot run redis-cli (" + e.getMessage() + "); apt-get install -y redis-server", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating the cluster", e);
    }
  }

  private void awaitStateOk() {
    long deadline = System.nanoTime() + CREATE_TIMEOUT.toNanos();
    for (RedisServer node : nodes) {
      while (!node.admin().clusterInfo().contains("cluster_state:ok")) {
        if (System.nanoTime() - deadline > 0) {
          throw new IllegalStateException(
              "node " + node.port() + " did not reach cluster_state:ok");
        }
        pause();
      }
    }
  }

  /** Waits until each master reports its replica connected and in sync. */
  private void awaitReplicasAttached() {
    long deadline = System.nanoTime() + CREATE_TIMEOUT.toNanos();
    for (RedisServer node : nodes) {
      while (node.admin().info("replication").contains("role:master")
          && !node.admin().info("replication").contains("connected_slaves:" + replicasPerMaster)) {
        if (System.nanoTime() - deadline > 0) {
          throw new IllegalStateException("master " + node.port() + " has no replica attached");
        }
        pause();
      }
      while (node.admin().info("replication").contains("role:slave")
          && !node.admin().info("replication").contains("master_link_status:up")) {
        if (System.nanoTime() - deadline > 0) {
          throw new IllegalStateException("replica " + node.port() + " did not link to its master");
        }
        pause();
      }
    }
  }

  private static void pause() {
    try {
      Thread.sleep(50);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
