package dev.datapunk.mesh.runtime.security.jwt;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.security.SecureRandom;
import java.util.Objects;

/**
 * The keyed 128-bit hash that stands for a token in the verified-token cache: SipHash-2-4 with
 * 128-bit output (Aumasson and Bernstein's {@code siphash128}) under a key drawn from {@link
 * SecureRandom} once per process and never written anywhere. The cache holds this hash, never the
 * token; docs/security.md ("Verified-token cache") gives the threat model and why it replaced the
 * SHA-256 of the token.
 *
 * <p>A token is hashed as its characters, one byte each; a character outside printable ASCII
 * ({@code 0x21..0x7e}) makes the token uncacheable (such a token is never valid), which keeps the
 * characters-to-bytes mapping one-to-one, so a token read from a String and the same token read
 * from the header's bytes hash alike, and two different tokens never hash the same input.
 *
 * <p>Hashing allocates nothing and copies nothing. Not thread-safe: get one per use with {@link
 * #ofCurrentThread()} and read both words before the same thread hashes again. The SipRound is
 * written out where it is used: it updates four longs, which a shared method could hand back only
 * through fields or an array, and this runs on every authenticated call.
 */
final class TokenHash {

  private static final long V0 = 0x736f6d6570736575L;
  private static final long V1 = 0x646f72616e646f6dL;
  private static final long V2 = 0x6c7967656e657261L;
  private static final long V3 = 0x7465646279746573L;
  private static final char FIRST_PRINTABLE = 0x21;
  private static final char LAST_PRINTABLE = 0x7e;
  private static final VarHandle LITTLE_ENDIAN_LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long[] PROCESS_KEY = randomKey();
  private static final ThreadLocal<TokenHash> PER_THREAD =
      ThreadLocal.withInitial(() -> new TokenHash(PROCESS_KEY[0], PROCESS_KEY[1]));

  private final long k0;
  private final long k1;

  /** The hash, valid after {@link #compute} returned true. */
  long h0;

  long h1;

  /** A hasher under the key {@code k0, k1} (little-endian words of the 16-byte key); for tests. */
  TokenHash(long k0, long k1) {
    this.k0 = k0;
    this.k1 = k1;
  }

  /** The first key word; for tests. */
  long k0() {
    return k0;
  }

  /** The second key word; for tests. */
  long k1() {
    return k1;
  }

  /** This thread's hasher under the process's key. */
  static TokenHash ofCurrentThread() {
    return PER_THREAD.get();
  }

  /**
   * Hashes the token {@code text.substring(start, end)} in place. Returns false, leaving the words
   * undefined, when the token has a character outside printable ASCII.
   */
  boolean compute(String text, int start, int end) {
    int length = end - start;
    int blocksEnd = start + (length & ~7);
    long v0 = k0 ^ V0;
    long v1 = k1 ^ V1 ^ 0xee; // 0xee: the 128-bit output variant
    long v2 = k0 ^ V2;
    long v3 = k1 ^ V3;
    for (int i = start; i < blocksEnd; i += 8) {
      long m = 0;
      for (int j = 7; j >= 0; j--) {
        char c = text.charAt(i + j);
        if (c < FIRST_PRINTABLE || c > LAST_PRINTABLE) {
          return false;
        }
        m = (m << 8) | c;
      }
      v3 ^= m;
      for (int r = 0; r < 2; r++) {
        v0 += v1;
        v1 = Long.rotateLeft(v1, 13);
        v1 ^= v0;
        v0 = Long.rotateLeft(v0, 32);
        v2 += v3;
        v3 = Long.rotateLeft(v3, 16);
        v3 ^= v2;
        v0 += v3;
        v3 = Long.rotateLeft(v3, 21);
        v3 ^= v0;
        v2 += v1;
        v1 = Long.rotateLeft(v1, 17);
        v1 ^= v2;
        v2 = Long.rotateLeft(v2, 32);
      }
      v0 ^= m;
    }
    long last = (long) length << 56;
    for (int i = end - 1; i >= blocksEnd; i--) {
      char c = text.charAt(i);
      if (c < FIRST_PRINTABLE || c > LAST_PRINTABLE) {
        return false;
      }
      last |= (long) c << ((i - blocksEnd) * 8);
    }
    finish(v0, v1, v2, v3, last);
    return true;
  }

  /**
   * Hashes the token held as ASCII bytes in {@code ascii[start..end)}, in place: the same hash as
   * the same characters in a String. Returns false, leaving the words undefined, when a byte is
   * outside printable ASCII.
   */
  boolean compute(byte[] ascii, int start, int end) {
    return compute(ascii, start, end, true);
  }

  /** Hashes any bytes (no printable-ASCII rule); for the reference vectors in tests. */
  void computeRaw(byte[] bytes) {
    compute(bytes, 0, bytes.length, false);
  }

  private boolean compute(byte[] bytes, int start, int end, boolean printableOnly) {
    Objects.checkFromToIndex(start, end, bytes.length);
    int length = end - start;
    int blocksEnd = start + (length & ~7);
    long v0 = k0 ^ V0;
    long v1 = k1 ^ V1 ^ 0xee;
    long v2 = k0 ^ V2;
    long v3 = k1 ^ V3;
    long outside = 0;
    for (int i = start; i < blocksEnd; i += 8) {
      long m = (long) LITTLE_ENDIAN_LONGS.get(bytes, i);
      outside |= outsidePrintable(m);
      v3 ^= m;
      for (int r = 0; r < 2; r++) {
        v0 += v1;
        v1 = Long.rotateLeft(v1, 13);
        v1 ^= v0;
        v0 = Long.rotateLeft(v0, 32);
        v2 += v3;
        v3 = Long.rotateLeft(v3, 16);
        v3 ^= v2;
        v0 += v3;
        v3 = Long.rotateLeft(v3, 21);
        v3 ^= v0;
        v2 += v1;
        v1 = Long.rotateLeft(v1, 17);
        v1 ^= v2;
        v2 = Long.rotateLeft(v2, 32);
      }
      v0 ^= m;
    }
    long last = (long) length << 56;
    for (int i = end - 1; i >= blocksEnd; i--) {
      int b = bytes[i] & 0xff;
      if (b < FIRST_PRINTABLE || b > LAST_PRINTABLE) {
        outside = -1;
      }
      last |= (long) b << ((i - blocksEnd) * 8);
    }
    if (printableOnly && outside != 0) {
      return false;
    }
    finish(v0, v1, v2, v3, last);
    return true;
  }

  /**
   * Non-zero when a byte of {@code m} is outside {@code 0x21..0x7e}: a high bit set, or, for a byte
   * below 0x80, adding 0x5f leaves its high bit clear (below 0x21) or adding 1 sets it (0x7f).
   * Below 0x80 neither sum carries into the next byte; a byte of 0x80 or more is caught by the
   * first term whatever its sums carry.
   */
  private static long outsidePrintable(long m) {
    return (m | ~(m + 0x5f5f5f5f5f5f5f5fL) | (m + 0x0101010101010101L)) & 0x8080808080808080L;
  }

  /** The last block (length and tail bytes) and the 128-bit finalization. */
  private void finish(long v0, long v1, long v2, long v3, long last) {
    v3 ^= last;
    for (int r = 0; r < 2; r++) {
      v0 += v1;
      v1 = Long.rotateLeft(v1, 13);
      v1 ^= v0;
      v0 = Long.rotateLeft(v0, 32);
      v2 += v3;
      v3 = Long.rotateLeft(v3, 16);
      v3 ^= v2;
      v0 += v3;
      v3 = Long.rotateLeft(v3, 21);
      v3 ^= v0;
      v2 += v1;
      v1 = Long.rotateLeft(v1, 17);
      v1 ^= v2;
      v2 = Long.rotateLeft(v2, 32);
    }
    v0 ^= last;
    v2 ^= 0xee;
    for (int r = 0; r < 4; r++) {
      v0 += v1;
      v1 = Long.rotateLeft(v1, 13);
      v1 ^= v0;
      v0 = Long.rotateLeft(v0, 32);
      v2 += v3;
      v3 = Long.rotateLeft(v3, 16);
      v3 ^= v2;
      v0 += v3;
      v3 = Long.rotateLeft(v3, 21);
      v3 ^= v0;
      v2 += v1;
      v1 = Long.rotateLeft(v1, 17);
      v1 ^= v2;
      v2 = Long.rotateLeft(v2, 32);
    }
    h0 = v0 ^ v1 ^ v2 ^ v3;
    v1 ^= 0xdd;
    for (int r = 0; r < 4; r++) {
      v0 += v1;
      v1 = Long.rotateLeft(v1, 13);
      v1 ^= v0;
      v0 = Long.rotateLeft(v0, 32);
      v2 += v3;
      v3 = Long.rotateLeft(v3, 16);
      v3 ^= v2;
      v0 += v3;
      v3 = Long.rotateLeft(v3, 21);
      v3 ^= v0;
      v2 += v1;
      v1 = Long.rotateLeft(v1, 17);
      v1 ^= v2;
      v2 = Long.rotateLeft(v2, 32);
    }
    h1 = v0 ^ v1 ^ v2 ^ v3;
  }

  private static long[] randomKey() {
    SecureRandom random = new SecureRandom();
    return new long[] {random.nextLong(), random.nextLong()};
  }
}
