/**
 * The OpenTelemetry SDK behind {@code tracing.enabled=true}: a tracer provider with a reloadable
 * parent-based ratio sampler and a batch span processor exporting over OTLP/gRPC through grpc-java
 * ({@link dev.datapunk.mesh.runtime.tracing.otlp.GrpcJavaSender}), the transport the mesh already
 * carries, instead of the exporter's default OkHttp sender.
 *
 * <p>The SDK and the exporter are optional dependencies of the runtime: classes here are loaded
 * only when tracing is switched on, and {@link
 * dev.datapunk.mesh.runtime.tracing.otlp.OtlpTracing#start} is the one entry.
 */
package dev.datapunk.mesh.runtime.tracing.otlp;
