package dev.datapunk.mesh.runtime.config;

import static dev.datapunk.mesh.runtime.config.ConfigKeys.RATELIMIT_REDIS_BREAKER_COOL_DOWN;
import static dev.datapunk.mesh.runtime.config.ConfigKeys.RATELIMIT_REDIS_BREAKER_FAILURES;
import static dev.datapunk.mesh.runtime.config.ConfigKeys.RATELIMIT_REDIS_CLUSTER;
import static dev.datapunk.mesh.runtime.config.ConfigKeys.RATELIMIT_REDIS_FAILURE_MODE;
import static dev.datapunk.mesh.runtime.config.ConfigKeys.RATELIMIT_REDIS_PREFIX;
import static dev.datapunk.mesh.runtime.config.ConfigKeys.RATELIMIT_REDIS_TIMEOUT;
import static dev.datapunk.mesh.runtime.config.ConfigKeys.RATELIMIT_REDIS_URI;

import dev.datapunk.mesh.runtime.ratelimit.redis.RedisFailureMode;
import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * The Redis rate-limit backend ({@code ratelimit.redis.*}).
 *
 * @param uris {@code ratelimit.redis.uri}: redis:// or rediss:// URIs, one unless {@code cluster}
 *     (then seed nodes); they may hold a password, never log them
 * @param cluster {@code ratelimit.redis.cluster}: whether {@code uris} are seed nodes of a Redis
 *     Cluster
 * @param prefix {@code ratelimit.redis.prefix}: the start of every Redis key of the backend
 * @param timeout {@code ratelimit.redis.timeout}: the longest a call waits for a Redis decision
 * @param failureMode {@code ratelimit.redis.failure-mode}: what decides while Redis cannot
 * @param breakerFailures {@code ratelimit.redis.breaker.failures}: consecutive failures that open
 *     the circuit
 * @param breakerCoolDown {@code ratelimit.redis.breaker.cool-down}: how long the circuit stays open
 *     before a probe
 */
public record RedisSettings(
    List<URI> uris,
    boolean cluster,
    String prefix,
    Duration timeout,
    RedisFailureMode failureMode,
    int breakerFailures,
    Duration breakerCoolDown) {

  public RedisSettings {
    uris = List.copyOf(uris);
  }

  static RedisSettings of(MeshConfig config) {
    return new RedisSettings(
        config.get(RATELIMIT_REDIS_URI),
        config.get(RATELIMIT_REDIS_CLUSTER),
        config.get(RATELIMIT_REDIS_PREFIX),
        config.get(RATELIMIT_REDIS_TIMEOUT),
        config.get(RATELIMIT_REDIS_FAILURE_MODE),
        config.get(RATELIMIT_REDIS_BREAKER_FAILURES),
        config.get(RATELIMIT_REDIS_BREAKER_COOL_DOWN));
  }
}
