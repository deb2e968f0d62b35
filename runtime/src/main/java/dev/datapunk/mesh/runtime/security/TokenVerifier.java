package dev.datapunk.mesh.runtime.security;

/**
 * Verifies a bearer token and returns what it proves about the caller.
 *
 * <p>Called on the call path of every {@code @Secured} method, so implementations must be
 * thread-safe and should answer a token they have verified before from a cache.
 */
public interface TokenVerifier {

  /**
   * Verifies {@code token} (the text after {@code Bearer }).
   *
   * @throws TokenRejectedException naming the rule the token broke; its message never contains
   *     the token
   */
  VerifiedToken verify(String token) throws TokenRejectedException;
}
