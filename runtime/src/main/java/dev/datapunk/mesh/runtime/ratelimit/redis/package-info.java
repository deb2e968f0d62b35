/**
 * The Redis rate-limit backend ({@code ratelimit.backend=redis}): token buckets shared by every
 * replica, decided in one round trip by a Lua GCRA script on Redis's own clock, with a per-decision
 * timeout, a circuit breaker and a configurable failure mode (in-process limiter, deny or allow)
 * for when Redis is slow or down. One Redis (or a proxy) or a Redis Cluster ({@code
 * ratelimit.redis.cluster}), each decision then sent to the master owning its key. Entry point:
 * {@link dev.datapunk.mesh.runtime.ratelimit.redis.RedisRateLimiterBackend}.
 */
package dev.datapunk.mesh.runtime.ratelimit.redis;
