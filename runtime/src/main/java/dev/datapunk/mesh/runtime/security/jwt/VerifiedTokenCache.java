package dev.datapunk.mesh.runtime.security.jwt;

import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A bounded, lock-free cache of verified tokens keyed by the {@link TokenHash} of the token: a
 * 128-bit SipHash-2-4 under a secret per-process key. The cache never holds a token.
 *
 * <p>Set-associative: the first hash word picks a bucket of up to four slots; a lookup compares all
 * 128 bits, without branching on where they differ, so a bucket collision can never hand out
 * another token's result. Without the process's key a chosen token matches a given entry with
 * probability 2^-128 (SipHash is a pseudorandom function); docs/security.md gives the threat model.
 * An entry answers only while its {@link CachedVerification} {@linkplain CachedVerification#answers
 * may}: before the token's {@code exp}, under the same settings and keys.
 *
 * <p>When a bucket is full, a new entry replaces an entry that is no longer answerable, else the
 * one that expires first. Racing writers may overwrite each other's entries; that costs a later
 * re-verification, never a wrong answer, because entries are immutable and published through an
 * {@link AtomicReferenceArray}. A lookup allocates nothing.
 */
final class VerifiedTokenCache {

  private static final int MAX_WAYS = 4;

  private record Entry(long h0, long h1, CachedVerification verification) {

    boolean matches(TokenHash hash) {
      return ((h0 ^ hash.h0) | (h1 ^ hash.h1)) == 0;
    }
  }

  private final AtomicReferenceArray<Entry> slots;
  private final int ways;
  private final int buckets;

  /** A cache of at most {@code maxEntries} tokens; 0 keeps nothing. */
  VerifiedTokenCache(int maxEntries) {
    if (maxEntries < 0) {
      throw new IllegalArgumentException("maxEntries must be >= 0 (was " + maxEntries + ")");
    }
    this.ways = Math.max(1, Math.min(MAX_WAYS, maxEntries));
    this.buckets = maxEntries / ways;
    this.slots = new AtomicReferenceArray<>(buckets * ways);
  }

  /** The most entries this cache can hold (at most the requested size). */
  int capacity() {
    return slots.length();
  }

  /**
   * The verification of the token whose hash is {@code hash} if it may answer now, or {@code null}.
   */
  CachedVerification get(
      TokenHash hash, long nowMillis, JwtSettings settings, VerificationKeys keys) {
    if (buckets == 0) {
      return null;
    }
    int first = firstSlot(hash);
    for (int i = first; i < first + ways; i++) {
      Entry entry = slots.get(i);
      if (entry != null && entry.matches(hash)) {
        CachedVerification verification = entry.verification();
        return verification.answers(nowMillis, settings, keys) ? verification : null;
      }
    }
    return null;
  }

  /** Remembers {@code verification} under {@code hash}, until its token's {@code exp}. */
  void put(TokenHash hash, CachedVerification verification, long nowMillis) {
    if (buckets == 0 || nowMillis >= verification.expiresAtMillis()) {
      return;
    }
    Entry fresh = new Entry(hash.h0, hash.h1, verification);
    int first = firstSlot(hash);
    int victim = first;
    long victimExpiry = Long.MAX_VALUE;
    for (int i = first; i < first + ways; i++) {
      Entry entry = slots.get(i);
      if (entry == null
          || entry.matches(hash)
          || !entry
              .verification()
              .answers(nowMillis, verification.settings(), verification.keys())) {
        victim = i;
        break;
      }
      if (entry.verification().expiresAtMillis() < victimExpiry) {
        victim = i;
        victimExpiry = entry.verification().expiresAtMillis();
      }
    }
    slots.set(victim, fresh);
  }

  /** How many slots hold an entry (answerable or not); for tests and metrics. */
  int occupiedSlots() {
    int count = 0;
    for (int i = 0; i < slots.length(); i++) {
      if (slots.get(i) != null) {
        count++;
      }
    }
    return count;
  }

  private int firstSlot(TokenHash hash) {
    return (int) Long.remainderUnsigned(hash.h0, buckets) * ways;
  }
}
