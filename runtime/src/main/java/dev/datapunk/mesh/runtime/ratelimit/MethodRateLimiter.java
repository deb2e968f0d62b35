package dev.datapunk.mesh.runtime.ratelimit;

import dev.datapunk.mesh.runtime.policy.RateLimitSpec;

/**
 * The rate limiter of one RPC method: one token bucket per client of that method.
 *
 * <p>Created once per method at bind time by {@link RateLimiterBackend#forMethod}, so the call path
 * never looks a method up. Each client's bucket holds at most {@link RateLimitSpec#burst()} tokens
 * and refills continuously at {@link RateLimitSpec#rps()} tokens per second; a client seen for the
 * first time starts with a full bucket; each call takes one token. Implementations are thread-safe.
 */
public interface MethodRateLimiter {

  /** The full gRPC method name this limiter is for, e.g. {@code pkg.Service/Method}. */
  String fullMethodName();

  /**
   * Takes one token from the bucket of {@code clientKey}, if it has one.
   *
   * @param clientKey the verified identity of the caller (never a client-supplied header); not null
   * @return {@code 0} if a token was taken and the call may proceed; otherwise the positive number
   *     of nanoseconds until the next token becomes available to this client (nothing was taken)
   */
  long tryAcquire(String clientKey);

  /** The limit currently applied. */
  RateLimitSpec spec();

  /**
   * Replaces the limit at run time (hot reload). Calls after this returns are decided under {@code
   * newSpec}. Existing buckets are carried over without refilling anyone: a client keeps the tokens
   * it held at the moment of the update, clamped to the new burst, and refills at the new rate from
   * then on; a client whose bucket was full (like a client never seen) starts full under {@code
   * newSpec}. Implementations document the details.
   */
  void updateSpec(RateLimitSpec newSpec);
}
