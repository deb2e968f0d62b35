package dev.datapunk.mesh.runtime.policy;

/**
 * A token-bucket limit: at most {@code burst} tokens, refilled at {@code rps} tokens per second.
 *
 * @param rps sustained calls per second per client, finite and greater than 0
 * @param burst bucket size, at least 1
 */
public record RateLimitSpec(double rps, int burst) {

  /** Largest accepted rps and burst; the processor rejects larger values as typos. */
  public static final int MAX = 1_000_000;

  public RateLimitSpec {
    if (!(rps > 0) || rps > MAX) {
      throw new IllegalArgumentException("rps must be > 0 and <= " + MAX + " (was " + rps + ")");
    }
    if (burst < 1 || burst > MAX) {
      throw new IllegalArgumentException(
          "burst must be >= 1 and <= " + MAX + " (was " + burst + ")");
    }
  }

  /** Nanoseconds between two tokens: the refill interval. */
  public long nanosPerToken() {
    return Math.max(1L, Math.round(1_000_000_000d / rps));
  }

  @Override
  public String toString() {
    return formatRps(rps) + " rps, burst " + burst;
  }

  private static String formatRps(double rps) {
    return rps == Math.rint(rps) ? Long.toString((long) rps) : Double.toString(rps);
  }
}
