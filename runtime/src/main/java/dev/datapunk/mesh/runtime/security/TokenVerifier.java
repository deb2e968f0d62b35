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

  /**
   * Verifies the token {@code text.substring(start, end)}: lets a caller holding the whole header
   * value pass the token without copying it out. The default copies; implementations with a cache
   * should answer a cached token without the copy.
   *
   * @throws TokenRejectedException naming the rule the token broke; its message never contains
   *     the token
   * @throws IndexOutOfBoundsException when the range is not within {@code text}
   */
  default VerifiedToken verify(String text, int start, int end) throws TokenRejectedException {
    return verify(text.substring(start, end));
  }
}
