package dev.datapunk.mesh.runtime.security.jwt;

import dev.datapunk.mesh.runtime.security.VerifiedToken;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A bounded, lock-free cache of verified tokens keyed by the {@link TokenHash} of the token: a
 * 128-bit SipHash-2-4 under a secret per-process key. The cache never holds a token.
 *
 * <p>Set-associative: the first hash word picks a bucket of up to four slots; a lookup compares
 * all 128 bits, without branching on where they differ, so a bucket collision can never hand out
 * another token's result. Without the process's key a chosen token matches a given entry with
 * probability 2^-128 (SipHash is a pseudorandom function); docs/security.md gives the threat
 * model. An entry is answered only while the
 * clock is before the token's {@code exp} (no skew: past {@code exp} the token is verified in
 * full again, skew included) and only under the same settings object and key set it was verified
 * with, so a settings swap or a key rotation retires every entry at once.
 *
 * <p>When a bucket is full, a new entry replaces an entry that is no longer answerable, else the
 * one that expires first. Racing writers may overwrite each other's entries; that costs a later
 * re-verification, never a wrong answer, because entries are immutable and published through an
 * {@link AtomicReferenceArray}. A lookup allocates nothing.
 */
final class VerifiedTokenCache {

  private static final int MAX_WAYS = 4;

  private record Entry(
      long h0,
      long h1,
      long expiresAtMillis,
      VerifiedToken token,
      JwtSettings settings,
      VerificationKeys keys) {

    boolean matches(TokenHash hash) {
      return ((h0 ^ hash.h0) | (h1 ^ hash.h1)) == 0;
    }

    boolean answerable(long nowMillis, JwtSettings currentSettings, VerificationKeys currentKeys) {
      return nowMillis < expiresAtMillis && settings == currentSettings && keys == currentKeys;
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

  /** The cached result for the token whose hash is {@code hash}, or {@code null}. */
  VerifiedToken get(TokenHash hash, long nowMillis, JwtSettings settings, VerificationKeys keys) {
    if (buckets == 0) {
      return null;
    }
    int first = firstSlot(hash);
    for (int i = first; i < first + ways; i++) {
      Entry entry = slots.get(i);
      if (entry != null && entry.matches(hash)) {
        return entry.answerable(nowMillis, settings, keys) ? entry.token() : null;
      }
    }
    return null;
  }

  /** Remembers a verified token until {@code expiresAtMillis}. */
  void put(
      TokenHash hash,
      VerifiedToken token,
      long expiresAtMillis,
      long nowMillis,
      JwtSettings settings,
      VerificationKeys keys) {
    if (buckets == 0 || nowMillis >= expiresAtMillis) {
      return;
    }
    Entry fresh =
        new Entry(hash.h0, hash.h1, expiresAtMillis, token, settings, keys);
    int first = firstSlot(hash);
    int victim = first;
    long victimExpiry = Long.MAX_VALUE;
    for (int i = first; i < first + ways; i++) {
      Entry entry = slots.get(i);
      if (entry == null || entry.matches(hash) || !entry.answerable(nowMillis, settings, keys)) {
        victim = i;
        break;
      }
      if (entry.expiresAtMillis() < victimExpiry) {
        victim = i;
        victimExpiry = entry.expiresAtMillis();
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
