package dev.datapunk.mesh.runtime.security.jwt;

import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The SHA-256 digest of a token, computed into per-thread buffers so that hashing a token
 * allocates nothing once a thread has seen a token of that length. The digest stands for the
 * token in the cache, so the cache never holds a token.
 *
 * <p>Not thread-safe: get one per use with {@link #ofCurrentThread()} and read the four words
 * before the same thread hashes again.
 */
final class TokenDigest {

  private static final ThreadLocal<TokenDigest> PER_THREAD = ThreadLocal.withInitial(TokenDigest::new);
  private static final int DIGEST_BYTES = 32;

  private final MessageDigest sha256;
  private final byte[] out = new byte[DIGEST_BYTES];
  private byte[] buffer = new byte[1024];

  /** The digest as four big-endian words, valid after {@link #compute} returned true. */
  long w0;
  long w1;
  long w2;
  long w3;

  private TokenDigest() {
    try {
      sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every Java platform", e);
    }
  }

  static TokenDigest ofCurrentThread() {
    return PER_THREAD.get();
  }

  /**
   * Hashes the token {@code text.substring(start, end)} in place (nothing is copied out of
   * {@code text}). Returns false, leaving the words undefined, when the token has a
   * character outside printable ASCII: such a token is never valid, and refusing it keeps the
   * char-to-byte mapping one-to-one (so two different tokens never hash the same input).
   */
  boolean compute(String text, int start, int end) {
    int length = end - start;
    if (buffer.length < length) {
      buffer = new byte[Math.max(length, buffer.length * 2)];
    }
    byte[] bytes = buffer;
    for (int i = 0; i < length; i++) {
      char c = text.charAt(start + i);
      if (c < 0x21 || c > 0x7e) {
        return false;
      }
      bytes[i] = (byte) c;
    }
    return digest(bytes, 0, length);
  }

  /**
   * Hashes the token held as ASCII bytes in {@code ascii[start..end)} in place: the same digest as
   * the same characters in a String. Returns false, leaving the words undefined, when a byte is
   * outside printable ASCII.
   */
  boolean compute(byte[] ascii, int start, int end) {
    for (int i = start; i < end; i++) {
      byte b = ascii[i];
      if (b < 0x21 || b > 0x7e) {
        return false;
      }
    }
    return digest(ascii, start, end - start);
  }

  private boolean digest(byte[] bytes, int offset, int length) {
    sha256.update(bytes, offset, length);
    try {
      sha256.digest(out, 0, DIGEST_BYTES);
    } catch (DigestException e) {
      throw new IllegalStateException("SHA-256 output buffer too small", e);
    }
    w0 = word(0);
    w1 = word(8);
    w2 = word(16);
    w3 = word(24);
    return true;
  }

  private long word(int offset) {
    long value = 0;
    for (int i = offset; i < offset + 8; i++) {
      value = (value << 8) | (out[i] & 0xffL);
    }
    return value;
  }
}
