package dev.datapunk.mesh.runtime.ratelimit.redis;

import dev.datapunk.mesh.runtime.logging.MeshLoggers;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisAdvancedClusterAsyncCommands;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.IntegerOutput;
import io.lettuce.core.protocol.CommandType;
import io.lettuce.core.protocol.ConnectionIntent;
import io.lettuce.core.resource.ClientResources;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;

/**
 * The Lettuce connection of a {@link RedisRateLimiterBackend} to a Redis Cluster ({@code
 * ratelimit.redis.cluster=true}) and the decision round trip on it.
 *
 * <p>The nodes are discovered from the seed URIs when the link opens; each decision is one EVALSHA
 * sent straight to the master that owns its key's slot (Lettuce routes by {@link
 * GcraCommandArguments#getFirstEncodedKey()}; the key is hash-tagged, so method and client pick the
 * slot). The topology is read again every 30 s, and at once when a node answers MOVED or ASK or a
 * node connection keeps failing to reconnect, so a resharded or failed-over cluster is followed. A
 * node that lost the script (NOSCRIPT: restarted, flushed, or a new master) gets an EVAL of the
 * full source for that decision, routed by the same key, which caches it there again; and the
 * script is loaded on every master again in the background.
 *
 * <p>Each master has its own circuit breaker, created when a decision first goes to it: while one
 * master is down, only the decisions of its slots go to the failure mode (at once once its circuit
 * is open); the other masters keep deciding theirs. Decisions that no master can take (not
 * connected yet, or a slot no master serves) share one more breaker.
 *
 * <p>Otherwise it behaves like {@link RedisLink}: the same Lettuce settings ({@link LinkSettings}),
 * reconnects by itself, commands to a disconnected node fail at once, and if the cluster cannot be
 * reached when the link opens, it keeps trying in the background at most once per {@code
 * retryInterval}. A seed that is a single Redis, not a cluster, is reported as such, naming {@code
 * ratelimit.redis.cluster}.
 */
final class RedisClusterLink implements RedisDecisionLink {

  private static final Logger log = MeshLoggers.getLogger(RedisClusterLink.class);

  /** How often the topology is read again even when nothing suggests a change. */
  static final Duration PERIODIC_REFRESH = Duration.ofSeconds(30);

  /** What Redis answers CLUSTER commands with when it is not a cluster node. */
  private static final String NOT_A_CLUSTER = "cluster support disabled";

  private final ClientResources resources;
  private final RedisClusterClient client;

  /** host:port of every seed, comma-separated, without credentials. */
  private final String seedAddresses;

  private final String address;
  private final long retryIntervalNanos;
  private final AtomicBoolean connecting = new AtomicBoolean();
  private final AtomicBoolean reloading = new AtomicBoolean();
  private final Function<String, CircuitBreaker> newBreaker;
  private final CircuitBreaker unrouted;

  /** The breaker of each master, by node id. */
  private final Map<String, CircuitBreaker> breakers = new ConcurrentHashMap<>();

  private volatile StatefulRedisClusterConnection<String, String> connection;
  private volatile long nextConnectAttempt;
  private volatile boolean closed;

  private RedisClusterLink(
      List<URI> seeds, Duration retryInterval, Function<String, CircuitBreaker> newBreaker) {
    this.newBreaker = newBreaker;
    List<RedisURI> uris = new ArrayList<>(seeds.size());
    for (URI seed : seeds) {
      RedisURI uri = RedisURI.create(seed);
      uri.setTimeout(LinkSettings.COMMAND_TIMEOUT);
      uris.add(uri);
    }
    this.seedAddresses =
        uris.stream()
            .map(uri -> uri.getHost() + ":" + uri.getPort())
            .collect(Collectors.joining(","));
    this.address = "Redis Cluster via " + seedAddresses;
    this.retryIntervalNanos = retryInterval.toNanos();
    this.unrouted = newBreaker.apply("the " + address);
    this.resources = LinkSettings.clientResources(retryInterval);
    this.client = RedisClusterClient.create(resources, uris);
    client.setOptions(
        ClusterClientOptions.builder(LinkSettings.clientOptions())
            // Lettuce 7 turns every adaptive trigger on by default (MOVED, ASK, persistent
            // reconnects,
            // uncovered slot, unknown node; at most one refresh per 5 s); only the periodic one is
            // added.
            .topologyRefreshOptions(
                ClusterTopologyRefreshOptions.builder()
                    .enablePeriodicRefresh(PERIODIC_REFRESH)
                    .build())
            .build());
  }

  /**
   * Discovers the cluster from {@code seeds} and connects, waiting for the first attempt (each seed
   * bounded by a 2 s connect timeout); if it fails, the link is returned anyway and connects later
   * by itself. {@code newBreaker} makes the circuit breaker of each master (given what it guards,
   * for its log lines).
   */
  static RedisClusterLink open(
      List<URI> seeds, Duration retryInterval, Function<String, CircuitBreaker> newBreaker) {
    RedisClusterLink link = new RedisClusterLink(seeds, retryInterval, newBreaker);
    try {
      link.connected(link.client.connect(StringCodec.UTF8))
          .get(LinkSettings.CONNECT_TIMEOUT.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      log.warn(
          "Redis rate limiter: not every master of the {} was ready within {} ms ({}); decisions of"
              + " its keys go to the failure mode until it is",
          link.address,
          LinkSettings.CONNECT_TIMEOUT.toMillis(),
          e.getMessage());
    } catch (RuntimeException e) {
      link.nextConnectAttempt = System.nanoTime() + link.retryIntervalNanos;
      link.cannotConnect(e, true);
    }
    return link;
  }

  @Override
  public CircuitBreaker breakerOf(GcraCommandArguments arguments) {
    StatefulRedisClusterConnection<String, String> current = connection;
    if (current == null) {
      return unrouted;
    }
    RedisClusterNode owner =
        current
            .getPartitions()
            .getPartitionBySlot(SlotHash.getSlot(arguments.getFirstEncodedKey()));
    if (owner == null) {
      return unrouted;
    }
    CircuitBreaker breaker = breakers.get(owner.getNodeId());
    return breaker != null
        ? breaker
        : breakers.computeIfAbsent(
            owner.getNodeId(),
            id ->
                newBreaker.apply(
                    "Redis Cluster node "
                        + owner.getUri().getHost()
                        + ":"
                        + owner.getUri().getPort()));
  }

  /**
   * Whether the circuit of a master (one of the current topology) or of unroutable decisions is
   * open.
   */
  @Override
  public boolean isCircuitOpen() {
    if (unrouted.isOpen()) {
      return true;
    }
    StatefulRedisClusterConnection<String, String> current = connection;
    if (current == null) {
      return false;
    }
    for (RedisClusterNode node : current.getPartitions()) {
      CircuitBreaker breaker = breakers.get(node.getNodeId());
      if (breaker != null && breaker.isOpen() && node.is(RedisClusterNode.NodeFlag.UPSTREAM)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public String address() {
    return address;
  }

  @Override
  public long decide(GcraCommandArguments arguments, long timeoutNanos)
      throws RedisUnavailableException {
    long deadline = System.nanoTime() + timeoutNanos;
    RedisAdvancedClusterAsyncCommands<String, String> commands = commands();
    RedisFuture<Long> reply =
        commands.dispatch(CommandType.EVALSHA, new IntegerOutput<>(StringCodec.UTF8), arguments);
    try {
      return RedisLink.await(reply, deadline, timeoutNanos);
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof RedisNoScriptException)) {
        throw failed(e);
      }
    }
    var unused = loadScriptEverywhere(); // for later EVALSHAs; this retry sends the script itself
    RedisFuture<Long> retry =
        commands.dispatch(
            CommandType.EVAL,
            new IntegerOutput<>(StringCodec.UTF8),
            new GcraEvalArguments(arguments));
    try {
      return RedisLink.await(retry, deadline, timeoutNanos);
    } catch (ExecutionException e) {
      throw failed(e);
    }
  }

  /** Whether every master of the cluster answers a PING within {@code timeout}. */
  @Override
  public boolean ping(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      StatefulRedisClusterConnection<String, String> current = current();
      List<CompletableFuture<String>> replies = new ArrayList<>();
      for (RedisClusterNode node : current.getPartitions()) {
        if (node.is(RedisClusterNode.NodeFlag.UPSTREAM)) {
          replies.add(
              connectionTo(current, node)
                  .thenCompose(nodeConnection -> nodeConnection.async().ping()));
        }
      }
      if (replies.isEmpty()) {
        return false;
      }
      for (CompletableFuture<String> reply : replies) {
        if (!"PONG"
            .equals(reply.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS))) {
          return false;
        }
      }
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (RedisUnavailableException
        | ExecutionException
        | TimeoutException
        | RuntimeException e) {
      return false;
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    LinkSettings.shutdown(connection, client, resources, "Redis Cluster client");
  }

  private RedisAdvancedClusterAsyncCommands<String, String> commands()
      throws RedisUnavailableException {
    return current().async();
  }

  private StatefulRedisClusterConnection<String, String> current()
      throws RedisUnavailableException {
    StatefulRedisClusterConnection<String, String> current = connection;
    if (current == null) {
      connectInBackground();
      throw new RedisUnavailableException("not connected to the " + address);
    }
    return current;
  }

  private static RedisUnavailableException failed(ExecutionException e) {
    return new RedisUnavailableException(
        "Redis failed the decision: " + e.getCause().getMessage(), e.getCause());
  }

  /**
   * SCRIPT LOAD on every master, in the background; one round at a time. Also opens the connection
   * to each master that has none yet: the returned stage completes when every master has the script
   * (so its connection is ready), or at once if a round is under way.
   */
  private CompletableFuture<Void> loadScriptEverywhere() {
    StatefulRedisClusterConnection<String, String> current = connection;
    if (current == null || !reloading.compareAndSet(false, true)) {
      return CompletableFuture.completedFuture(null);
    }
    List<CompletableFuture<String>> loads = new ArrayList<>();
    for (RedisClusterNode node : current.getPartitions()) {
      if (node.is(RedisClusterNode.NodeFlag.UPSTREAM)) {
        loads.add(
            connectionTo(current, node)
                .thenCompose(
                    nodeConnection -> nodeConnection.async().scriptLoad(GcraScript.SOURCE)));
      }
    }
    return CompletableFuture.allOf(loads.toArray(new CompletableFuture<?>[0]))
        .whenComplete((ignored, error) -> reloading.set(false));
  }

  /**
   * The connection to {@code node} that decisions routed to it use (Lettuce keeps one per host and
   * port for writes, apart from the one it keeps per node id).
   */
  private static CompletableFuture<StatefulRedisConnection<String, String>> connectionTo(
      StatefulRedisClusterConnection<String, String> cluster, RedisClusterNode node) {
    return cluster.getConnectionAsync(
        node.getUri().getHost(), node.getUri().getPort(), ConnectionIntent.WRITE);
  }

  private void connectInBackground() {
    if (closed
        || System.nanoTime() - nextConnectAttempt < 0
        || !connecting.compareAndSet(false, true)) {
      return;
    }
    // Nothing waits for the connection: decisions use it once connected() has set it.
    var unused =
        client
            .connectAsync(StringCodec.UTF8)
            .whenComplete(
                (newConnection, error) -> {
                  if (error != null) {
                    nextConnectAttempt = System.nanoTime() + retryIntervalNanos;
                    cannotConnect(error, false);
                  } else if (closed) {
                    var unusedClose = newConnection.closeAsync();
                  } else {
                    var unusedLoad =
                        connected(
                            newConnection); // a decision meeting NOSCRIPT before it is done retries
                    // with EVAL
                  }
                  connecting.set(false);
                });
  }

  /**
   * Takes {@code newConnection} into use and loads the script on every master, which also opens the
   * connection to each (Lettuce opens node connections when first used, and refuses commands on one
   * still opening); returns when that is done.
   */
  private CompletableFuture<Void> connected(
      StatefulRedisClusterConnection<String, String> newConnection) {
    connection = newConnection;
    unrouted.onSuccess(); // decisions now have masters (and breakers) of their own
    log.info(
        "Redis rate limiter: connected to the {}; nodes: {}",
        address,
        describeNodes(newConnection));
    return loadScriptEverywhere(); // later EVALSHAs find it; NOSCRIPT covers a loss
  }

  private void cannotConnect(Throwable error, boolean atStart) {
    if (mentions(error, NOT_A_CLUSTER)) {
      log.warn(
          "Redis rate limiter: ratelimit.redis.cluster is true but the Redis at {} is not a Redis"
              + " Cluster (it answers that cluster support is disabled); set"
              + " ratelimit.redis.cluster=false for a single Redis or a proxy. The failure mode"
              + " decides until a cluster answers",
          seedAddresses);
    } else if (atStart) {
      log.warn(
          "Redis rate limiter: cannot connect to the {} ({}); the failure mode decides until it"
              + " can",
          address,
          error.getMessage());
    } else {
      log.debug(
          "Redis rate limiter: still cannot connect to the {}: {}", address, error.getMessage());
    }
  }

  /** Whether {@code error}, its causes or their suppressed exceptions say {@code text}. */
  private static boolean mentions(Throwable error, String text) {
    for (Throwable current = error; current != null; current = current.getCause()) {
      if (current.getMessage() != null && current.getMessage().contains(text)) {
        return true;
      }
      for (Throwable suppressed : current.getSuppressed()) {
        if (mentions(suppressed, text)) {
          return true;
        }
      }
      if (current.getCause() == current) {
        break;
      }
    }
    return false;
  }

  /** {@code host:port master (N slots)} for every node, for the connect log line. */
  private static String describeNodes(StatefulRedisClusterConnection<String, String> connection) {
    List<String> nodes = new ArrayList<>();
    for (RedisClusterNode node : connection.getPartitions()) {
      boolean master = node.is(RedisClusterNode.NodeFlag.UPSTREAM);
      nodes.add(
          node.getUri().getHost()
              + ":"
              + node.getUri().getPort()
              + " "
              + (master ? "master (" + node.getSlots().size() + " slots)" : "replica"));
    }
    return nodes.isEmpty() ? "none" : String.join(", ", nodes);
  }
}
