/**
 * Distributed tracing with OpenTelemetry: the tracing stage, outermost in the per-call chain, opens
 * one {@code SERVER} span per call of a mesh method, continues the caller's trace from the W3C
 * {@code traceparent}/{@code tracestate} and {@code baggage} headers, keeps the span current while
 * the chain and the service code run, and records the chain's decisions on it as {@code mesh.*}
 * attributes. It works against the OpenTelemetry API only; {@link
 * dev.datapunk.mesh.runtime.tracing.otlp} sets up the SDK that exports spans over OTLP/gRPC.
 */
package dev.datapunk.mesh.runtime.tracing;
