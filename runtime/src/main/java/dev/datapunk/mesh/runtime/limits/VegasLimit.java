package dev.datapunk.mesh.runtime.limits;

/**
 * A concurrency limit that follows latency, in the manner of TCP Vegas (and of Netflix's {@code
 * VegasLimit}): it estimates how many calls are queueing from how far the latency of a completed
 * call is above the no-load latency, {@code queue = limit * (1 - noLoad / rtt)}, and
 *
 * <ul>
 *   <li>grows quickly (by {@code 6 log10(limit)}) when nothing queues, slowly (by {@code
 *       log10(limit)}) while the queue is short (below {@code 3 log10(limit)});
 *   <li>shrinks (by {@code log10(limit)}) when the queue is long (above {@code 6 log10(limit)});
 *   <li>shrinks by 10% on a drop (a call cancelled or past its deadline);
 *   <li>never grows while fewer than half of the limit's calls are in flight (the load, not the
 *       limit, bounds the concurrency, so a fast call says nothing about a higher limit);
 *   <li>stays within {@code [min, max]}.
 * </ul>
 *
 * <p>The no-load latency is the smallest latency seen, drifting up by 1/8192 of the gap at each
 * slower sample so that a service that genuinely got slower is relearnt over some ten thousand
 * calls rather than throttled for ever. Steps use {@code log10(limit)} but at least 1.
 *
 * <p>Thread-safe: a sample updates the state under this object's lock (a few arithmetic operations,
 * nothing allocated); {@link #limit()} is a volatile read.
 */
public final class VegasLimit {

  private static final double BASELINE_DRIFT = 1.0 / 8192;
  private static final double DROP_FACTOR = 0.9;
  private static final double RTT_SMOOTHING = 0.1;

  private int min;
  private int max;
  private double estimate;
  private double noLoadNanos = Double.MAX_VALUE;
  private volatile int limit;
  private volatile long smoothedRttNanos;

  /**
   * @param initial the limit before any sample
   * @param min the lowest limit, at least 1
   * @param max the highest limit
   * @throws IllegalArgumentException unless {@code 1 <= min <= initial <= max}
   */
  public VegasLimit(int initial, int min, int max) {
    if (min < 1 || min > initial || initial > max) {
      throw new IllegalArgumentException(
          "need 1 <= min <= initial <= max, got min "
              + min
              + ", initial "
              + initial
              + ", max "
              + max);
    }
    this.min = min;
    this.max = max;
    this.estimate = initial;
    this.limit = initial;
  }

  /** The current limit. */
  public int limit() {
    return limit;
  }

  /** A smoothed latency of recent successful calls, 0 before the first one. */
  public long recentRttNanos() {
    return smoothedRttNanos;
  }

  /** The no-load latency estimate in nanoseconds, or {@code Double.MAX_VALUE} before any sample. */
  public synchronized double noLoadRttNanos() {
    return noLoadNanos;
  }

  /**
   * A call completed successfully.
   *
   * @param rttNanos its latency from admission to completion
   * @param inFlight calls in flight when it completed (itself included)
   */
  public synchronized void onSample(long rttNanos, int inFlight) {
    double rtt = Math.max(1, rttNanos);
    long smoothed = smoothedRttNanos;
    smoothedRttNanos =
        smoothed == 0 ? (long) rtt : (long) (smoothed + (rtt - smoothed) * RTT_SMOOTHING);
    if (rtt < noLoadNanos) {
      noLoadNanos = rtt;
    } else {
      noLoadNanos += (rtt - noLoadNanos) * BASELINE_DRIFT;
    }
    double queue = estimate * (1 - noLoadNanos / rtt);
    double step = Math.max(1, Math.log10(estimate));
    double next;
    if (queue <= step) {
      next = estimate + 6 * step;
    } else if (queue < 3 * step) {
      next = estimate + step;
    } else if (queue > 6 * step) {
      next = estimate - step;
    } else {
      return;
    }
    if (next > estimate && inFlight * 2 < estimate) {
      return;
    }
    set(next);
  }

  /**
   * New bounds while calls run (a reload of {@code limits.adaptive.min-limit} / {@code max-limit}):
   * the current limit is clamped into {@code [min, max]} and keeps adapting from there; the no-load
   * latency and recent latency are kept.
   *
   * @throws IllegalArgumentException unless {@code 1 <= min <= max}
   */
  public synchronized void bounds(int newMin, int newMax) {
    if (newMin < 1 || newMin > newMax) {
      throw new IllegalArgumentException(
          "need 1 <= min <= max, got min " + newMin + ", max " + newMax);
    }
    this.min = newMin;
    this.max = newMax;
    set(estimate);
  }

  /**
   * Starts afresh, as a new limit would (the adaptive limit switched on again at run time): limit
   * {@code initial}, no latency observed yet.
   *
   * @throws IllegalArgumentException unless {@code 1 <= min <= initial <= max}
   */
  public synchronized void restart(int initial, int newMin, int newMax) {
    if (newMin < 1 || newMin > initial || initial > newMax) {
      throw new IllegalArgumentException(
          "need 1 <= min <= initial <= max, got min "
              + newMin
              + ", initial "
              + initial
              + ", max "
              + newMax);
    }
    this.min = newMin;
    this.max = newMax;
    this.noLoadNanos = Double.MAX_VALUE;
    this.smoothedRttNanos = 0;
    set(initial);
  }

  /** A call was dropped: cancelled by the client or past its deadline. */
  public synchronized void onDrop() {
    set(estimate * DROP_FACTOR);
  }

  private void set(double next) {
    estimate = Math.max(min, Math.min(max, next));
    limit = (int) estimate;
  }

  @Override
  public synchronized String toString() {
    return "VegasLimit[limit=" + limit + ", min=" + min + ", max=" + max + "]";
  }
}
