/**
 * Adaptive concurrency limits: a limit on the unary calls in flight that adjusts itself from
 * observed latency ({@link dev.datapunk.mesh.runtime.limits.VegasLimit}), shared by the server or
 * kept per method, with guaranteed shares for critical and {@code @Public} methods ({@link
 * dev.datapunk.mesh.runtime.limits.ConcurrencyLimiter}), applied by the {@link
 * dev.datapunk.mesh.runtime.limits.AdaptiveLimitStage} of the call chain.
 */
package dev.datapunk.mesh.runtime.limits;
