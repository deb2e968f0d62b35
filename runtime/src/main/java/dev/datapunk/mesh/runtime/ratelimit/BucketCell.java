package dev.datapunk.mesh.runtime.ratelimit;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The state of one tracked bucket: its theoretical arrival time (TAT), one {@code long} changed
 * only by compare-and-set, tagged with the generation of the {@link GcraRule} it was written under.
 *
 * <p>24 bytes with compressed class pointers (12 header, 4 generation, 8 state), the same as an
 * {@code AtomicLong}. A cell becomes <em>frozen</em> (bit 62 set, the TAT kept in the low bits)
 * when it is about to leave the map, because it is idle or because its rule was replaced; a frozen
 * cell never changes again, so any thread can read its final TAT and derive its successor.
 */
final class BucketCell {

  /** Marks a cell that no longer accepts tokens; TATs never reach this bit. */
  static final long FROZEN = 1L << 62;

  private static final VarHandle STATE;

  static {
    try {
      STATE = MethodHandles.lookup().findVarHandle(BucketCell.class, "state", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** The generation of the rule this cell's TAT is expressed in. */
  final int generation;

  private volatile long state; // compare-and-set through STATE

  BucketCell(int generation, long tat) {
    this.generation = generation;
    this.state = tat;
  }

  long get() {
    return state;
  }

  boolean compareAndSet(long expected, long updated) {
    return STATE.compareAndSet(this, expected, updated);
  }

  /** Freezes this cell (if not yet) and returns its final TAT. */
  long freeze() {
    long current = state;
    while (!isFrozen(current) && !compareAndSet(current, current | FROZEN)) {
      current = state;
    }
    return tatOf(current);
  }

  static boolean isFrozen(long state) {
    return (state & FROZEN) != 0;
  }

  static long tatOf(long state) {
    return state & ~FROZEN;
  }
}
