package dev.datapunk.mesh.runtime.security;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

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
   * @throws TokenRejectedException naming the rule the token broke; its message never contains the
   *     token
   */
  VerifiedToken verify(String token) throws TokenRejectedException;

  /**
   * Verifies the token {@code text.substring(start, end)}: lets a caller holding the whole header
   * value pass the token without copying it out. The default copies; implementations with a cache
   * should answer a cached token without the copy.
   *
   * @throws TokenRejectedException naming the rule the token broke; its message never contains the
   *     token
   * @throws IndexOutOfBoundsException when the range is not within {@code text}
   */
  default VerifiedToken verify(String text, int start, int end) throws TokenRejectedException {
    return verify(text.substring(start, end));
  }

  /**
   * Verifies the token held as ASCII bytes in {@code ascii[start..end)}, which this method only
   * reads: lets the authentication stage pass the {@code authorization} header's bytes as the
   * transport received them. The caller must never write to {@code ascii} afterwards: an
   * implementation may remember its answer by the array's identity (as the JWT verifier does for a
   * header array the connection's HPACK table repeats). The default decodes the range as US-ASCII
   * (as grpc-java decodes an ASCII header, a byte outside ASCII becoming U+FFFD) and calls {@link
   * #verify(String)}; implementations with a cache should answer a cached token without decoding
   * it.
   *
   * @throws TokenRejectedException naming the rule the token broke; its message never contains the
   *     token
   * @throws IndexOutOfBoundsException when the range is not within {@code ascii}
   */
  default VerifiedToken verifyAscii(byte[] ascii, int start, int end)
      throws TokenRejectedException {
    Objects.checkFromToIndex(start, end, ascii.length);
    return verify(new String(ascii, start, end - start, StandardCharsets.US_ASCII));
  }
}
