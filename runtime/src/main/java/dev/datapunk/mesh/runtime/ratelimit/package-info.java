/**
 * Per-client, per-method rate limiting for {@code @RateLimit(rps, burst)}.
 *
 * <p>{@link dev.datapunk.mesh.runtime.ratelimit.RateLimiterBackend} is the seam between the
 * per-call interceptor and where bucket state lives; the interceptor asks the backend once per
 * method, at bind time, for a {@link dev.datapunk.mesh.runtime.ratelimit.MethodRateLimiter} and
 * only ever calls {@link dev.datapunk.mesh.runtime.ratelimit.MethodRateLimiter#tryAcquire(String)}
 * on the call path. {@link dev.datapunk.mesh.runtime.ratelimit.LocalRateLimiterBackend} keeps the
 * state in this process (GCRA, one {@code long} per client, lock-free, idle state evicted, hard cap
 * on tracked clients). Time comes from a {@link dev.datapunk.mesh.runtime.ratelimit.NanoClock},
 * never from the wall clock.
 */
package dev.datapunk.mesh.runtime.ratelimit;
