package dev.datapunk.mesh.runtime.config;

/** Where rate-limit buckets live ({@code ratelimit.backend}). */
public enum RateLimitBackend {
  /** In this process; each replica limits on its own. */
  LOCAL,
  /** In Redis at {@code ratelimit.redis.uri}, shared by every replica. */
  REDIS
}
