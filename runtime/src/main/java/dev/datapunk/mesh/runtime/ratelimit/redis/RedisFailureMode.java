package dev.datapunk.mesh.runtime.ratelimit.redis;

/**
 * What the redis rate-limit backend does with a decision it cannot get from Redis in time ({@code
 * ratelimit.redis.failure-mode}): Redis is down, slow, or its circuit breaker is open.
 */
public enum RedisFailureMode {
  /** Decide in this process with the same limit (each replica then limits on its own). */
  LOCAL,
  /** Refuse the call with RESOURCE_EXHAUSTED, as if the bucket were empty. */
  DENY,
  /** Let the call through unlimited. */
  ALLOW
}
