package dev.datapunk.mesh.runtime.ratelimit.redis;

import dev.datapunk.mesh.runtime.logging.MeshLoggers;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.IntegerOutput;
import io.lettuce.core.protocol.CommandType;
import io.lettuce.core.resource.ClientResources;
import java.net.SocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;

/**
 * The one Lettuce connection of a {@link RedisRateLimiterBackend} and the decision round trip on
 * it.
 *
 * <p>Lettuce reconnects by itself after a connection breaks (Redis restarted, network cut), with a
 * delay that doubles from 10 ms up to {@code retryInterval}; while it is disconnected, commands
 * fail at once instead of queueing. If Redis cannot be reached when the link opens, the link keeps
 * trying in the background, at most once per {@code retryInterval}, whenever a decision or a
 * reachability check needs it.
 *
 * <p>Every command here is waited for with its own deadline ({@link #decide}, {@link #ping}), so
 * Lettuce's per-command timeout is switched off: it scheduled a timer task and a completion stage
 * for every command (a timer entry, two lambdas, a completion stage and two timer-queue inserts per
 * decision) only to fail, after 2 s, futures that had already been cancelled at their deadline. A
 * command Redis never answers stays in Lettuce's queue until the connection closes either way.
 *
 * <p>A node of a Redis Cluster named here ({@code ratelimit.redis.cluster=false}) answers the keys
 * of its own slots and MOVED (or ASK) for every other key. Each time the connection opens (the
 * first time and after every reconnect) the link asks {@code INFO cluster} in the background and,
 * if it says {@code cluster_enabled:1}, logs one WARN naming {@code ratelimit.redis.cluster}; a
 * Redis that refuses INFO (renamed or denied, as some managed offerings do) is used as before. A
 * decision answered with MOVED or ASK fails (the failure mode decides it) with a message that says
 * it was redirected.
 */
final class RedisLink implements RedisDecisionLink {

  private static final Logger log = MeshLoggers.getLogger(RedisLink.class);

  /** What {@code INFO cluster} says on a node of a Redis Cluster. */
  private static final String CLUSTER_ENABLED = "cluster_enabled:1";

  private final ClientResources resources;
  private final RedisClient client;
  private final RedisURI uri;
  private final String address;
  private final long retryIntervalNanos;
  private final CircuitBreaker breaker;
  private final AtomicBoolean connecting = new AtomicBoolean();
  private volatile StatefulRedisConnection<String, String> connection;
  private volatile long nextConnectAttempt;
  private volatile boolean closed;

  private RedisLink(URI redisUri, Duration retryInterval, CircuitBreaker breaker) {
    this.breaker = breaker;
    this.uri = RedisURI.create(redisUri);
    this.uri.setTimeout(LinkSettings.COMMAND_TIMEOUT);
    this.address = uri.getHost() + ":" + uri.getPort();
    this.retryIntervalNanos = retryInterval.toNanos();
    this.resources = LinkSettings.clientResources(retryInterval);
    this.client = RedisClient.create(resources);
    client.setOptions(LinkSettings.clientOptions());
  }

  /**
   * Connects to {@code redisUri}, waiting for the first attempt (bounded by a 2 s connect timeout);
   * if it fails, the link is returned anyway and connects later by itself. {@code breaker} guards
   * every decision.
   */
  static RedisLink open(URI redisUri, Duration retryInterval, CircuitBreaker breaker) {
    RedisLink link = new RedisLink(redisUri, retryInterval, breaker);
    link.client.addListener(link.new ReconnectCheck());
    try {
      link.connected(link.client.connect(StringCodec.UTF8, link.uri));
    } catch (RuntimeException e) {
      link.nextConnectAttempt = System.nanoTime() + link.retryIntervalNanos;
      log.warn(
          "Redis rate limiter: cannot connect to Redis at {} ({}); the failure mode decides until"
              + " it can",
          link.address,
          e.getMessage());
    }
    return link;
  }

  @Override
  public CircuitBreaker breakerOf(GcraCommandArguments arguments) {
    return breaker;
  }

  @Override
  public boolean isCircuitOpen() {
    return breaker.isOpen();
  }

  /** host:port of Redis, without credentials; for messages. */
  @Override
  public String address() {
    return address;
  }

  /**
   * Runs the GCRA script (EVALSHA with {@code arguments}) and returns its reply (0 or the
   * nanoseconds to wait), within {@code timeoutNanos} from now, or throws. Reloads the script once
   * if Redis lost it (NOSCRIPT, e.g. after a restart).
   */
  @Override
  public long decide(GcraCommandArguments arguments, long timeoutNanos)
      throws RedisUnavailableException {
    long deadline = System.nanoTime() + timeoutNanos;
    RedisAsyncCommands<String, String> commands = commands();
    boolean reloaded = false;
    while (true) {
      RedisFuture<Long> reply =
          commands.dispatch(CommandType.EVALSHA, new IntegerOutput<>(StringCodec.UTF8), arguments);
      try {
        return await(reply, deadline, timeoutNanos);
      } catch (ExecutionException e) {
        if (!reloaded && e.getCause() instanceof RedisNoScriptException) {
          reloaded = true;
          var unusedLoad =
              commands.scriptLoad(
                  GcraScript.SOURCE); // pipelined: the retry right behind it waits for both
          continue;
        }
        throw failed(e.getCause());
      }
    }
  }

  /** Whether Redis answers a PING within {@code timeout}. */
  @Override
  public boolean ping(Duration timeout) {
    try {
      RedisFuture<String> reply = commands().ping();
      return "PONG".equals(reply.get(timeout.toNanos(), TimeUnit.NANOSECONDS));
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

  /** Closes the connection and stops Lettuce's threads. Idempotent; never throws. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    LinkSettings.shutdown(connection, client, resources, "Redis client");
  }

  private RedisAsyncCommands<String, String> commands() throws RedisUnavailableException {
    StatefulRedisConnection<String, String> current = connection;
    if (current == null) {
      connectInBackground();
      throw new RedisUnavailableException("not connected to Redis at " + address);
    }
    return current.async();
  }

  /**
   * The reply of a decision, waited for until {@code deadline} ({@link System#nanoTime()}); cancels
   * it when the deadline passes. An error reply comes out as the {@link ExecutionException}.
   */
  static long await(RedisFuture<Long> reply, long deadline, long timeoutNanos)
      throws ExecutionException, RedisUnavailableException {
    try {
      Long value = reply.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      if (value == null || value < 0) {
        throw new RedisUnavailableException("Redis gave no valid decision (" + value + ")");
      }
      return value;
    } catch (TimeoutException e) {
      reply.cancel(false);
      throw new RedisUnavailableException(
          "no answer from Redis within " + timeoutNanos / 1_000 + " us", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      reply.cancel(false);
      throw new RedisUnavailableException("interrupted while waiting for Redis", e);
    }
  }

  /**
   * The exception for a decision Redis answered with {@code error}: one naming {@code
   * ratelimit.redis.cluster} when Redis redirected it (MOVED or ASK: a Redis Cluster node that does
   * not own the key's slot).
   */
  private RedisUnavailableException failed(Throwable error) {
    String message = error.getMessage();
    if (error instanceof RedisCommandExecutionException
        && message != null
        && (message.startsWith("MOVED ") || message.startsWith("ASK "))) {
      return new RedisUnavailableException(
          "Redis redirected the decision ("
              + message
              + "): ratelimit.redis.cluster"
              + " is false but the Redis at "
              + address
              + " is a Redis Cluster node",
          error);
    }
    return new RedisUnavailableException("Redis failed the decision: " + message, error);
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
            .connectAsync(StringCodec.UTF8, uri)
            .whenComplete(
                (newConnection, error) -> {
                  if (error != null) {
                    nextConnectAttempt = System.nanoTime() + retryIntervalNanos;
                    log.debug(
                        "Redis rate limiter: still cannot connect to Redis at {}: {}",
                        address,
                        error.getMessage());
                  } else if (closed) {
                    var unusedClose = newConnection.closeAsync();
                  } else {
                    connected(newConnection);
                    log.info("Redis rate limiter: connected to Redis at {}", address);
                  }
                  connecting.set(false);
                });
  }

  private void connected(StatefulRedisConnection<String, String> newConnection) {
    var unusedLoad =
        newConnection
            .async()
            .scriptLoad(GcraScript.SOURCE); // later EVALSHAs find it; NOSCRIPT covers a loss
    checkNotAClusterNode(
        newConnection); // ahead of every decision on it; reconnects: ReconnectCheck
    connection = newConnection;
  }

  /**
   * Asks {@code INFO cluster} on {@code checked} without waiting and logs a WARN if Redis is a node
   * of a Redis Cluster. Never fails: a Redis that refuses INFO is used as before.
   */
  private void checkNotAClusterNode(StatefulRedisConnection<String, String> checked) {
    try {
      checked
          .async()
          .info("cluster")
          .whenComplete(
              (info, error) -> {
                if (error != null) {
                  log.debug(
                      "Redis rate limiter: INFO cluster failed on the Redis at {} ({}); cannot tell"
                          + " whether it is a Redis Cluster node",
                      address,
                      error.getMessage());
                } else if (info != null && info.contains(CLUSTER_ENABLED)) {
                  log.warn(
                      "Redis rate limiter: the Redis at {} is a Redis Cluster node but"
                          + " ratelimit.redis.cluster is false; decisions for keys on other nodes"
                          + " get MOVED and are decided by the failure mode; set"
                          + " ratelimit.redis.cluster=true (and list the cluster's nodes in"
                          + " ratelimit.redis.uri)",
                      address);
                }
              });
    } catch (RuntimeException e) {
      log.debug(
          "Redis rate limiter: cannot ask INFO cluster on the Redis at {}: {}",
          address,
          e.getMessage());
    }
  }

  /**
   * Checks the connection again each time Lettuce has reconnected it (called on its I/O thread once
   * the connection is ready for commands). The first connection is checked by {@link #connected}:
   * while it opens, {@link #connection} is not set yet.
   */
  private final class ReconnectCheck implements RedisConnectionStateListener {
    @Override
    public void onRedisConnected(RedisChannelHandler<?, ?> reconnected, SocketAddress remote) {
      StatefulRedisConnection<String, String> current = connection;
      if (current != null && current == reconnected && !closed) {
        checkNotAClusterNode(current);
      }
    }
  }
}
