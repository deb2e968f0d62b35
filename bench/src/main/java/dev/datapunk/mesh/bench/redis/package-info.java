/**
 * Redis for the benchmarks: a {@code redis-server} process the benchmark starts itself on a free
 * loopback port ({@link dev.datapunk.mesh.bench.redis.RedisProcess}), the two Redis limiters
 * measured side by side ({@link dev.datapunk.mesh.bench.redis.RedisLimiter}), and a count of the
 * Redis commands each needs per decision ({@link dev.datapunk.mesh.bench.redis.RoundTrips}).
 */
package dev.datapunk.mesh.bench.redis;
