package dev.datapunk.mesh.runtime.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.datapunk.mesh.runtime.policy.RateLimitSpec;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The GCRA numbers of one limit, their extremes, and the bounded rule history. */
class GcraRuleTest {

  private static final long SECOND = 1_000_000_000L;

  @Test
  void intervalAndToleranceFollowTheSpec() {
    GcraRule rule = GcraRule.initial(new RateLimitSpec(4, 10));
    assertEquals(250_000_000L, rule.interval);
    assertEquals(9 * 250_000_000L, rule.tolerance);
    assertEquals(0, GcraRule.initial(new RateLimitSpec(4, 1)).tolerance);
  }

  @Test
  void theSlowestLargestAcceptedLimitNeedsNoSaturation() {
    // 1,000,000 tokens at one per 1000 s: 31.7 years to refill, still exact.
    FakeNanoClock clock = new FakeNanoClock();
    try (LocalRateLimiterBackend backend =
        LocalRateLimiterBackend.builder().clock(clock).sweepInterval(Duration.ZERO).build()) {
      MethodRateLimiter limiter =
          backend.forMethod("test.Svc/Slow", new RateLimitSpec(0.001, RateLimitSpec.MAX));
      for (int i = 0; i < RateLimitSpec.MAX; i++) {
        if (limiter.tryAcquire("c") != 0) {
          throw new AssertionError("denied after " + i + " calls");
        }
      }
      assertEquals(1_000 * SECOND, limiter.tryAcquire("c"));
    }
  }

  @Test
  void absurdlySlowLimitsSaturateInsteadOfOverflowing() {
    GcraRule rule = GcraRule.initial(new RateLimitSpec(1e-12, RateLimitSpec.MAX));
    assertEquals(GcraRule.MAX_SPAN, rule.interval);
    assertEquals(GcraRule.MAX_SPAN, rule.tolerance);
    long tat = rule.charge(GcraRule.MAX_TIME, GcraRule.MAX_TIME);
    assertEquals(GcraRule.MAX_TIME, tat);
    assertEquals(GcraRule.MAX_TIME - GcraRule.MAX_SPAN - 5, rule.waitNanos(tat, 5));
  }

  @Test
  void historyIsBoundedAndBucketsOlderThanItAreTakenAsEmpty() {
    RateLimitSpec spec = new RateLimitSpec(0.01, 5); // 100 s per token, 500 s to refill
    long interval = 100 * SECOND;
    GcraRule rule = GcraRule.initial(spec);
    for (int i = 1; i <= 1_000; i++) {
      rule = rule.next(spec, i * SECOND);
    }
    long now = 1_000 * SECOND;
    // A bucket one generation behind, 2 tokens short: an unchanged limit carries it over unchanged.
    assertEquals(now + 2 * interval, rule.carry(999, now + 2 * interval));
    // Also from the oldest generation still remembered.
    int oldestRemembered = rule.generation - GcraRule.MAX_HISTORY;
    assertEquals(now + 3 * interval, rule.carry(oldestRemembered, now + 3 * interval));
    // Beyond it: empty at the oldest remembered update (which took effect at 984 s), whatever it
    // held, then carried over exactly.
    long oldestUpdate = oldestRemembered * SECOND;
    assertEquals(oldestUpdate + 5 * interval, rule.carry(0, 0));
    assertEquals(oldestUpdate + 5 * interval, rule.carry(oldestRemembered - 1, 0));
    assertThrows(IllegalArgumentException.class, () -> GcraRule.initial(spec).carry(1, 0));
  }
}
