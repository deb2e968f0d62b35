package dev.datapunk.mesh.runtime.security.jwt;

import static dev.datapunk.mesh.runtime.security.TokenRejectedException.Reason.MALFORMED;

import com.nimbusds.jose.util.Base64URL;
import dev.datapunk.mesh.runtime.security.TokenRejectedException;
import java.nio.charset.StandardCharsets;

/**
 * The three segments of a JWS in compact serialization, checked for shape before anything is
 * decoded: exactly three segments, each made only of base64url characters (no padding) with a
 * length a base64 encoding can have. Header and payload must not be empty; an empty signature is
 * let through so that an unsigned ({@code alg: none}) token is reported as a disallowed algorithm,
 * and it can never verify.
 */
final class CompactJws {

  private final Base64URL header;
  private final Base64URL payload;
  private final Base64URL signature;
  private final String signingInput;

  private CompactJws(
      Base64URL header, Base64URL payload, Base64URL signature, String signingInput) {
    this.header = header;
    this.payload = payload;
    this.signature = signature;
    this.signingInput = signingInput;
  }

  /**
   * Splits {@code token}.
   *
   * @throws TokenRejectedException MALFORMED when the token does not have the shape of a JWS
   */
  static CompactJws split(String token) throws TokenRejectedException {
    int first = token.indexOf('.');
    int second = first < 0 ? -1 : token.indexOf('.', first + 1);
    if (second < 0 || token.indexOf('.', second + 1) >= 0) {
      throw new TokenRejectedException(MALFORMED);
    }
    checkSegment(token, 0, first, false);
    checkSegment(token, first + 1, second, false);
    checkSegment(token, second + 1, token.length(), true);
    return new CompactJws(
        new Base64URL(token.substring(0, first)),
        new Base64URL(token.substring(first + 1, second)),
        new Base64URL(token.substring(second + 1)),
        token.substring(0, second));
  }

  Base64URL header() {
    return header;
  }

  Base64URL payload() {
    return payload;
  }

  Base64URL signature() {
    return signature;
  }

  /** The bytes the signature covers: {@code header.payload} as ASCII. */
  byte[] signingInput() {
    return signingInput.getBytes(StandardCharsets.US_ASCII);
  }

  private static void checkSegment(String token, int from, int to, boolean mayBeEmpty)
      throws TokenRejectedException {
    int length = to - from;
    if ((length == 0 && !mayBeEmpty) || length % 4 == 1) {
      throw new TokenRejectedException(MALFORMED);
    }
    for (int i = from; i < to; i++) {
      char c = token.charAt(i);
      boolean base64url =
          (c >= 'A' && c <= 'Z')
              || (c >= 'a' && c <= 'z')
              || (c >= '0' && c <= '9')
              || c == '-'
              || c == '_';
      if (!base64url) {
        throw new TokenRejectedException(MALFORMED);
      }
    }
  }
}
