/**
 * Load benchmarks over real Netty on loopback: the load generator ({@link
 * dev.datapunk.mesh.bench.load.LoadGenerator}, closed and open loop, HdrHistogram), the bare
 * reference server ({@link dev.datapunk.mesh.bench.load.BareEchoServer}) and the comparison that
 * alternates bare and mesh servers, each in its own JVM ({@link
 * dev.datapunk.mesh.bench.load.LoadComparison}).
 */
package dev.datapunk.mesh.bench.load;
