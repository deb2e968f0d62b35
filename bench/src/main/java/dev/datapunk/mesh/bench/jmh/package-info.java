/**
 * JMH micro-benchmarks: the rate-limit decision beside Bucket4j ({@link
 * dev.datapunk.mesh.bench.jmh.RateLimitBenchmark}), token verification first and cached ({@link
 * dev.datapunk.mesh.bench.jmh.TokenVerificationBenchmark}), and one call through the in-process
 * transport bare, per stage and through the whole chain ({@link
 * dev.datapunk.mesh.bench.jmh.CallChainBenchmark}). Run them with {@code bench/run-benchmarks.sh}
 * (or {@code org.openjdk.jmh.Main} on {@code target/classpath.txt}) and {@code -prof gc}.
 */
package dev.datapunk.mesh.bench.jmh;
