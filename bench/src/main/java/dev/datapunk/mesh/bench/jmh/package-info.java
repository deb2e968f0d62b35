/**
 * JMH micro-benchmarks: the rate-limit decision beside Bucket4j ({@link
 * dev.datapunk.mesh.bench.jmh.RateLimitBenchmark}), the decision on a real Redis beside Bucket4j's
 * Lettuce proxy ({@link dev.datapunk.mesh.bench.jmh.RedisRateLimitBenchmark}), token verification
 * first and cached ({@link dev.datapunk.mesh.bench.jmh.TokenVerificationBenchmark}), and one call
 * through the in-process transport bare, per stage and through the whole chain ({@link
 * dev.datapunk.mesh.bench.jmh.CallChainBenchmark}). Run them with {@code bench/run-benchmarks.sh}
 * (or {@code org.openjdk.jmh.Main} on {@code target/classpath.txt}) and {@code -prof gc}.
 */
package dev.datapunk.mesh.bench.jmh;
