package dev.datapunk.mesh.runtime.ratelimit.redis;

import java.time.Duration;

/**
 * What {@link RedisRateLimiterBackend} asks Redis through: one decision round trip, a reachability
 * check and a name for messages. Two kinds: {@link RedisLink} (one Redis, or a proxy in front of
 * several) and {@link RedisClusterLink} (a Redis Cluster, each decision sent to the node that owns
 * its key's slot).
 */
interface RedisDecisionLink extends AutoCloseable {

  /**
   * Runs the GCRA script for {@code arguments} and returns its reply (0 or the nanoseconds to wait)
   * within {@code timeoutNanos} from now, or throws. A script Redis lost (NOSCRIPT) never fails the
   * decision by itself: the link loads or sends it again and retries once.
   */
  long decide(GcraCommandArguments arguments, long timeoutNanos) throws RedisUnavailableException;

  /**
   * The circuit breaker that guards the decision of {@code arguments}: the link's one breaker, or
   * on a cluster the breaker of the master that owns the key's slot.
   */
  CircuitBreaker breakerOf(GcraCommandArguments arguments);

  /** Whether any of the link's circuits is open (or half-open). */
  boolean isCircuitOpen();

  /** Whether Redis (every master, for a cluster) answers a PING within {@code timeout}. */
  boolean ping(Duration timeout);

  /** Where Redis is, without credentials; for messages. */
  String address();

  /** Closes the connection(s) and stops Lettuce's threads. Idempotent; never throws. */
  @Override
  void close();
}
