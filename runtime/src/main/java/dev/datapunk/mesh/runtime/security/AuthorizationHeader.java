package dev.datapunk.mesh.runtime.security;

import dev.datapunk.mesh.runtime.security.TokenRejectedException.Reason;
import io.grpc.InternalMetadata;
import io.grpc.Metadata;
import java.util.Iterator;

/**
 * The {@code authorization: Bearer <token>} header of a call, read as the bytes the transport
 * received: the one place the runtime uses grpc-java internal API.
 *
 * <p>Why: grpc-java's public {@link Metadata} API decodes an ASCII header into a new {@link String}
 * on every read ({@code Metadata.ASCII_STRING_MARSHALLER}); for a bearer token of a few hundred
 * characters that copy was most of what the authentication stage allocated per call. Only {@code
 * InternalMetadata.keyOf(name, TrustedAsciiMarshaller)} reads an ASCII header's bytes as they are,
 * and no public API gets the same result (a binary marshaller needs a {@code -bin} name). The
 * marshaller here returns the transport's array itself (no copy); this class never writes to it and
 * never lets it out except to {@link TokenVerifier#verifyAscii}, which only reads it (and may
 * remember its answer by the array's identity: grpc-netty hands every call of a connection the same
 * array for a header the client's HPACK encoder repeats from its table, and never writes it).
 * Should grpc-java remove the internal API, only this class changes: read the header as a String
 * and call {@link TokenVerifier#verify(String, int, int)} instead.
 *
 * <p>The rules are those of the former String form, byte for byte: exactly one {@code
 * authorization} header ({@link Reason#MALFORMED} for two or more, {@link Reason#MISSING} for
 * none); the value starts with {@code Bearer } in any letter case ({@link Reason#MISSING}
 * otherwise); the token is the rest without leading and trailing whitespace in {@link
 * Character#isWhitespace}'s sense, and must not be empty ({@link Reason#MISSING}). A byte outside
 * ASCII is never whitespace and never a letter of the scheme, as in grpc's ASCII decoding, which
 * turns it into U+FFFD.
 */
final class AuthorizationHeader {

  /** The header's raw value bytes. */
  static final Metadata.Key<byte[]> KEY =
      InternalMetadata.keyOf("authorization", RawBytes.INSTANCE);

  private static final byte[] BEARER = {'b', 'e', 'a', 'r', 'e', 'r', ' '};

  private AuthorizationHeader() {}

  /**
   * Verifies the token of the single bearer header of {@code headers} with {@code verifier},
   * reading it in place.
   *
   * @throws TokenRejectedException when the header is missing, repeated, of another scheme or
   *     carries no token, or when {@code verifier} rejects the token
   */
  static VerifiedToken verify(Metadata headers, TokenVerifier verifier)
      throws TokenRejectedException {
    return verify(bearerValue(headers), verifier);
  }

  /**
   * Verifies the token of {@code value}, a header value {@link #bearerValue} returned, with {@code
   * verifier}, reading it in place.
   *
   * @throws TokenRejectedException when the value carries no token, or when {@code verifier}
   *     rejects the token
   */
  static VerifiedToken verify(byte[] value, TokenVerifier verifier) throws TokenRejectedException {
    int start = tokenStart(value);
    return verifier.verifyAscii(value, start, tokenEnd(value, start));
  }

  /**
   * The token of the single bearer header of {@code headers}, as text (a copy); for tests.
   *
   * @throws TokenRejectedException when the header is missing, repeated, of another scheme or
   *     carries no token
   */
  static String token(Metadata headers) throws TokenRejectedException {
    return token(bearerValue(headers));
  }

  /**
   * The token of {@code value}, a header value {@link #bearerValue} returned, as text (a copy).
   *
   * @throws TokenRejectedException when it carries no token
   */
  static String token(byte[] value) throws TokenRejectedException {
    int start = tokenStart(value);
    return new String(value, start, tokenEnd(value, start) - start, InternalMetadata.US_ASCII);
  }

  /**
   * The single header's value, checked to be of the Bearer scheme ({@link #verify(byte[],
   * TokenVerifier)} checks it carries a token); the transport's array, never to be written.
   */
  static byte[] bearerValue(Metadata headers) throws TokenRejectedException {
    Iterable<byte[]> values = headers.getAll(KEY);
    if (values == null) {
      throw new TokenRejectedException(Reason.MISSING);
    }
    Iterator<byte[]> iterator = values.iterator();
    byte[] value = iterator.next();
    if (iterator.hasNext()) {
      throw new TokenRejectedException(Reason.MALFORMED);
    }
    if (!startsWithBearer(value)) {
      throw new TokenRejectedException(Reason.MISSING);
    }
    return value;
  }

  /** Where the token starts: after the scheme and any whitespace. */
  private static int tokenStart(byte[] value) {
    int start = BEARER.length;
    while (start < value.length && isWhitespace(value[start])) {
      start++;
    }
    return start;
  }

  /**
   * Where the token ends: before any trailing whitespace; {@link Reason#MISSING} if it is empty.
   */
  private static int tokenEnd(byte[] value, int start) throws TokenRejectedException {
    int end = value.length;
    while (end > start && isWhitespace(value[end - 1])) {
      end--;
    }
    if (end == start) {
      throw new TokenRejectedException(Reason.MISSING);
    }
    return end;
  }

  private static boolean startsWithBearer(byte[] value) {
    if (value.length < BEARER.length) {
      return false;
    }
    for (int i = 0; i < BEARER.length; i++) {
      byte b = value[i];
      byte lower = b >= 'A' && b <= 'Z' ? (byte) (b + ('a' - 'A')) : b;
      if (lower != BEARER[i]) {
        return false;
      }
    }
    return true;
  }

  private static boolean isWhitespace(byte b) {
    return b >= 0 && Character.isWhitespace((char) b);
  }

  /** Hands grpc's bytes through unchanged, both ways. */
  private enum RawBytes implements InternalMetadata.TrustedAsciiMarshaller<byte[]> {
    INSTANCE;

    @Override
    public byte[] toAsciiString(byte[] value) {
      return value;
    }

    @Override
    public byte[] parseAsciiString(byte[] serialized) {
      return serialized;
    }
  }
}
