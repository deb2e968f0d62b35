package dev.datapunk.mesh.runtime.ratelimit;

import dev.datapunk.mesh.runtime.policy.RateLimitSpec;

/**
 * Where rate-limit state lives: in this process ({@link LocalRateLimiterBackend}) or, later, in a
 * store shared by replicas such as Redis.
 *
 * <p>The server asks for one {@link MethodRateLimiter} per rate-limited method when it binds the
 * services and closes the backend when it stops.
 */
public interface RateLimiterBackend extends AutoCloseable {

  /**
   * Creates the limiter of one method.
   *
   * @param fullMethodName the full gRPC method name, e.g. {@code pkg.Service/Method}
   * @param spec the method's limit (compiled in, possibly overridden by configuration)
   * @throws IllegalStateException if this backend already made a limiter for {@code
   *     fullMethodName}, or is closed
   */
  MethodRateLimiter forMethod(String fullMethodName, RateLimitSpec spec);

  /** The backend's name as configured by {@code ratelimit.backend}, e.g. {@code local}. */
  String name();

  /** Releases the backend's threads and connections. Idempotent; never throws. */
  @Override
  void close();
}
