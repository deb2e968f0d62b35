package dev.datapunk.mesh.runtime.metrics;

import io.micrometer.core.instrument.Counter;

/**
 * Counts the rate-limit decisions of one method on one backend ({@code mesh.ratelimit.decisions});
 * both counters exist from bind time.
 */
public final class RateLimitDecisionMeter {

  private final Counter allowed;
  private final Counter rejected;

  RateLimitDecisionMeter(Counter allowed, Counter rejected) {
    this.allowed = allowed;
    this.rejected = rejected;
  }

  /** The call got a token. */
  public void allowed() {
    allowed.increment();
  }

  /** The call was refused with RESOURCE_EXHAUSTED. */
  public void rejected() {
    rejected.increment();
  }
}
