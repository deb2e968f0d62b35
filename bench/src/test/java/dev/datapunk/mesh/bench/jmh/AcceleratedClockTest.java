package dev.datapunk.mesh.bench.jmh;

import static org.assertj.core.api.Assertions.assertThat;

import dev.datapunk.mesh.runtime.ratelimit.LocalRateLimiterBackend;
import dev.datapunk.mesh.runtime.ratelimit.MethodRateLimiter;
import io.github.bucket4j.Bucket;
import org.junit.jupiter.api.Test;

/**
 * The rate-limit benchmark measures admissions only: on the accelerated clock, both limiters admit
 * far more back-to-back decisions on one key than the burst holds. On the real clock the same limit
 * rejects once the burst is spent, which is why the benchmark needs this clock.
 */
class AcceleratedClockTest {

  private static final int DECISIONS = 3 * Limits.RATE;

  @Test
  void ourLimiterAdmitsEveryDecisionOnTheAcceleratedClock() {
    try (LocalRateLimiterBackend backend = Limits.meshBackend(new AcceleratedClock(), 10)) {
      MethodRateLimiter limiter = backend.forMethod(Limits.METHOD, Limits.SPEC);
      int rejected = 0;
      for (int i = 0; i < DECISIONS; i++) {
        if (limiter.tryAcquire("sub:one") != 0) {
          rejected++;
        }
      }
      assertThat(rejected).isZero();
    }
  }

  @Test
  void bucket4jAdmitsEveryDecisionOnTheAcceleratedClock() {
    Bucket bucket = Limits.bucket4j(new AcceleratedClock());
    int rejected = 0;
    for (int i = 0; i < DECISIONS; i++) {
      if (!bucket.tryConsume(1)) {
        rejected++;
      }
    }
    assertThat(rejected).isZero();
  }

  @Test
  void onTheRealClockTheSameLimitRejectsOnceTheBurstIsSpent() {
    try (LocalRateLimiterBackend backend = Limits.meshBackend(System::nanoTime, 10)) {
      MethodRateLimiter limiter = backend.forMethod(Limits.METHOD, Limits.SPEC);
      int rejected = 0;
      for (int i = 0; i < DECISIONS; i++) {
        if (limiter.tryAcquire("sub:one") != 0) {
          rejected++;
        }
      }
      assertThat(rejected).isPositive();
    }
  }

  @Test
  void theClockIsMonotonicAndFast() throws InterruptedException {
    AcceleratedClock clock = new AcceleratedClock();
    long before = clock.nanoTime();
    long realBefore = System.nanoTime();
    Thread.sleep(5);
    long realElapsed = System.nanoTime() - realBefore;
    long elapsed = clock.nanoTime() - before;
    assertThat(elapsed).isGreaterThanOrEqualTo(realElapsed * AcceleratedClock.SPEED / 2);
    assertThat(clock.currentTimeNanos()).isGreaterThanOrEqualTo(before + elapsed);
  }
}
