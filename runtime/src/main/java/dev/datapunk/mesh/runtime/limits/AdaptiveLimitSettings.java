package dev.datapunk.mesh.runtime.limits;

import java.util.Map;

/**
 * The adaptive-limit part of the configuration ({@code limits.adaptive.*}).
 *
 * @param enabled whether unary calls are limited at all
 * @param perMethod one limiter per method instead of one shared by the server
 * @param initialLimit the limit before any latency has been observed
 * @param minLimit the lowest limit
 * @param maxLimit the highest limit
 * @param publicReserved percent of the shared limit guaranteed to {@code @Public} methods together
 * @param reserved percent of the shared limit guaranteed to each named critical method
 */
public record AdaptiveLimitSettings(
    boolean enabled,
    boolean perMethod,
    int initialLimit,
    int minLimit,
    int maxLimit,
    int publicReserved,
    Map<String, Integer> reserved) {

  public AdaptiveLimitSettings {
    reserved = Map.copyOf(reserved);
  }

  /** Percent of the shared limit left as the guaranteed share of every other method together. */
  int defaultShare() {
    int sum = publicReserved;
    for (int percent : reserved.values()) {
      sum += percent;
    }
    return Math.max(0, 100 - sum);
  }

  /** A fresh limit with these bounds. */
  VegasLimit newLimit() {
    return new VegasLimit(initialLimit, minLimit, maxLimit);
  }
}
