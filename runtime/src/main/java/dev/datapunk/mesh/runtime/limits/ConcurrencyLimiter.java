package dev.datapunk.mesh.runtime.limits;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Admits calls while fewer than the {@link VegasLimit}'s current limit are in flight, with
 * guaranteed shares: each {@link Partition} may always have {@code reservedPercent} of the limit
 * (rounded up, so at least one call when its percent is above 0) in flight, even when the limiter
 * as a whole is full. A partition above its share borrows only while the whole limiter has room, so
 * one overloaded method cannot take the share of another; while partitions use their guarantees the
 * total may exceed the limit by at most the sum of those guarantees, briefly, until the borrowers'
 * calls finish.
 *
 * <p>Admission takes a short lock so that the total and the partition's count change together (see
 * {@link #tryAcquire}); completion lowers them without it and records the outcome in the limit.
 * Nothing is allocated per call.
 */
public final class ConcurrencyLimiter {

  private final String name;
  private final VegasLimit limit;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final Object admission = new Object();

  /**
   * @param name what the limiter limits, for metrics and messages: {@code server} or a full method
   *     name
   */
  public ConcurrencyLimiter(String name, VegasLimit limit) {
    this.name = Objects.requireNonNull(name, "name");
    this.limit = Objects.requireNonNull(limit, "limit");
  }

  /** A partition guaranteed {@code reservedPercent} (0 to 100) of this limiter's limit. */
  public Partition partition(String partitionName, int reservedPercent) {
    if (reservedPercent < 0 || reservedPercent > 100) {
      throw new IllegalArgumentException(
          partitionName + ": reserved percent must be 0 to 100, was " + reservedPercent);
    }
    return new Partition(partitionName, reservedPercent);
  }

  /** {@code server} or the full method name. */
  public String name() {
    return name;
  }

  /** The current limit. */
  public int limit() {
    return limit.limit();
  }

  /** Calls admitted and not yet finished. */
  public int inFlight() {
    return inFlight.get();
  }

  /** The limit this limiter follows; its bounds can change while calls run. */
  VegasLimit vegasLimit() {
    return limit;
  }

  /** A hint for a rejected caller: about one recent call latency, at least 1 ms. */
  public long retryAfterNanos() {
    return Math.max(1_000_000L, limit.recentRttNanos());
  }

  /**
   * Admits a call of {@code partition} and counts it in flight, or answers false.
   *
   * <p>The decision reads the limit, the total and the partition's count and raises both counts as
   * one step, under this limiter's lock (held for a few reads and writes). Releases lower the
   * counts without it, so a decision sees counts at or above the true ones and never admits past a
   * bound. Two counters changed by compare-and-set one after the other cannot be exact: a partition
   * whose guarantee is the whole limit went one call past it while its own callers were between
   * them.
   */
  public boolean tryAcquire(Partition partition) {
    synchronized (admission) {
      int current = limit.limit();
      if (inFlight.get() >= current && partition.inFlight.get() >= partition.guaranteed(current)) {
        return false;
      }
      inFlight.incrementAndGet();
      partition.inFlight.incrementAndGet();
      return true;
    }
  }

  /** An admitted call of {@code partition} succeeded after {@code rttNanos}. */
  public void onSuccess(Partition partition, long rttNanos) {
    int total = release(partition);
    limit.onSample(rttNanos, total + 1);
  }

  /** An admitted call of {@code partition} was cancelled or ran past its deadline. */
  public void onDropped(Partition partition) {
    release(partition);
    limit.onDrop();
  }

  /**
   * An admitted call of {@code partition} ended in a way that says nothing about load (an error).
   */
  public void onIgnored(Partition partition) {
    release(partition);
  }

  private int release(Partition partition) {
    int total = inFlight.decrementAndGet();
    partition.inFlight.decrementAndGet();
    return total;
  }

  @Override
  public String toString() {
    return "ConcurrencyLimiter[" + name + ", limit " + limit() + ", in flight " + inFlight() + "]";
  }

  /**
   * A group of methods sharing one guaranteed share of the limiter; see {@link ConcurrencyLimiter}.
   */
  public static final class Partition {
    private final String name;
    private volatile int reservedPercent;
    private final AtomicInteger inFlight = new AtomicInteger();

    private Partition(String name, int reservedPercent) {
      this.name = Objects.requireNonNull(name, "name");
      this.reservedPercent = reservedPercent;
    }

    /**
     * Guarantees {@code percent} (0 to 100) from now on (a reload of the reserved shares); calls in
     * flight stay counted.
     */
    void reserve(int percent) {
      if (percent < 0 || percent > 100) {
        throw new IllegalArgumentException(
            name + ": reserved percent must be 0 to 100, was " + percent);
      }
      this.reservedPercent = percent;
    }

    /** Calls of this partition that may run even when the limiter is full. */
    int guaranteed(int limit) {
      int percent = reservedPercent;
      if (percent == 0) {
        return 0;
      }
      return (int) (((long) limit * percent + 99) / 100);
    }

    /** The partition's name, e.g. {@code default}, {@code public} or a full method name. */
    public String name() {
      return name;
    }

    /** Percent of the limit guaranteed to this partition. */
    public int reservedPercent() {
      return reservedPercent;
    }

    /** Calls of this partition in flight. */
    public int inFlight() {
      return inFlight.get();
    }

    @Override
    public String toString() {
      return "Partition[" + name + ", " + reservedPercent + "%]";
    }
  }
}
