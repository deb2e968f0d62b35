package dev.datapunk.mesh.runtime.security.jwt;

import dev.datapunk.mesh.runtime.security.VerifiedToken;
import java.lang.ref.WeakReference;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Verified tokens remembered by the identity of the transport's header array, in front of the
 * {@link VerifiedTokenCache}: a repeated token then costs an identity comparison instead of a
 * SipHash of a few hundred bytes.
 *
 * <p>Why identity works: HTTP/2 clients send a repeated header as an index into the connection's
 * HPACK table, and grpc-netty then hands every call on that connection the very same {@code
 * byte[]}, the one the table holds (grpc-java's own client indexes {@code authorization}; a client
 * that marks it never-indexed sends a new array each call, which simply misses here). Such an array
 * is never written after decoding, so the same array and range mean the same token bytes; the memo
 * therefore answers only for the very array (and range) it saw verified, and only while that {@link
 * CachedVerification} {@linkplain CachedVerification#answers may}, the cache's own rule.
 *
 * <p>Holds no token: a slot keeps a {@link WeakReference} to the transport's array, which stays
 * reachable only while the connection's HPACK table (or a call in flight) holds it; once it is
 * dropped the collector clears the reference, so the memo never keeps a token in memory longer than
 * the transport does. Direct-mapped by {@link System#identityHashCode}; a slot is taken only when
 * free (empty, cleared or no longer answerable), so arrays that are not repeated cannot push out
 * those that are, and writes stay rare. Lock-free; a lookup allocates nothing.
 */
final class HeaderArrayMemo {

  /** The most slots, whatever the cache size. */
  static final int MAX_SLOTS = 512;

  private record Slot(
      WeakReference<byte[]> array, int start, int end, CachedVerification verification) {}

  private final AtomicReferenceArray<Slot> slots;
  private final int mask;

  /**
   * A memo of at most {@code maxEntries} slots (rounded down to a power of two, at most {@value
   * #MAX_SLOTS}); 0 keeps nothing.
   */
  HeaderArrayMemo(int maxEntries) {
    int size = maxEntries <= 0 ? 0 : Integer.highestOneBit(Math.min(maxEntries, MAX_SLOTS));
    this.slots = new AtomicReferenceArray<>(size);
    this.mask = size - 1;
  }

  /** The result remembered for exactly this array and range, or {@code null}. */
  VerifiedToken get(
      byte[] array,
      int start,
      int end,
      long nowMillis,
      JwtSettings settings,
      VerificationKeys keys) {
    if (mask < 0) {
      return null;
    }
    Slot slot = slots.get(System.identityHashCode(array) & mask);
    if (slot != null
        && slot.array().get() == array
        && slot.start() == start
        && slot.end() == end
        && slot.verification().answers(nowMillis, settings, keys)) {
      return slot.verification().token();
    }
    return null;
  }

  /**
   * Remembers that {@code array[start..end)} verified as {@code verification}, if its slot is free.
   */
  void remember(byte[] array, int start, int end, CachedVerification verification, long nowMillis) {
    if (mask < 0 || nowMillis >= verification.expiresAtMillis()) {
      return;
    }
    int index = System.identityHashCode(array) & mask;
    Slot current = slots.get(index);
    if (current != null
        && current.array().get() != null
        && current
            .verification()
            .answers(nowMillis, verification.settings(), verification.keys())) {
      return; // taken by another live array (or by this one, from a racing call)
    }
    Slot fresh = new Slot(new WeakReference<>(array), start, end, verification);
    slots.compareAndSet(index, current, fresh);
  }

  /** Slots whose array is still reachable; for tests. */
  int liveSlots() {
    int live = 0;
    for (int i = 0; i < slots.length(); i++) {
      Slot slot = slots.get(i);
      if (slot != null && slot.array().get() != null) {
        live++;
      }
    }
    return live;
  }
}
