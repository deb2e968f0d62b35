/**
 * Metrics: per-method gRPC meters with Micrometer's names and tags and the metrics stage of the
 * call chain ({@link dev.datapunk.mesh.runtime.metrics.MetricsStage}), the mesh's decision meters
 * for the security and rate-limit stages ({@link dev.datapunk.mesh.runtime.metrics.MeshMeters}),
 * JVM and process binders, and the Prometheus endpoint ({@link
 * dev.datapunk.mesh.runtime.metrics.MetricsEndpoint}). Every tag value comes from a method name, a
 * backend name or an enum, never from a caller.
 */
package dev.datapunk.mesh.runtime.metrics;
