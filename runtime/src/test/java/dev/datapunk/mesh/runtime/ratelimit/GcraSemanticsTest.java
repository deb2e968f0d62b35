package dev.datapunk.mesh.runtime.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.datapunk.mesh.runtime.policy.RateLimitSpec;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Exact token-bucket semantics of the local limiter, driven by a fake clock. */
class GcraSemanticsTest {

  private static final long MS = 1_000_000L;

  private final FakeNanoClock clock = new FakeNanoClock();
  private final LocalRateLimiterBackend backend =
      LocalRateLimiterBackend.builder().clock(clock).sweepInterval(Duration.ZERO).build();

  @AfterEach
  void close() {
    backend.close();
  }

  private MethodRateLimiter limiter(double rps, int burst) {
    return backend.forMethod("test.Svc/M" + rps + "_" + burst, new RateLimitSpec(rps, burst));
  }

  /** Takes tokens until denied; returns how many were taken. */
  private static int drain(MethodRateLimiter limiter, String client) {
    int taken = 0;
    while (limiter.tryAcquire(client) == 0) {
      taken++;
      if (taken > 10_000_000) {
        throw new AssertionError("bucket never ran dry");
      }
    }
    return taken;
  }

  @Test
  void newClientGetsExactlyBurstThenOneTokenPerInterval() {
    MethodRateLimiter limiter = limiter(10, 5);
    assertEquals(5, drain(limiter, "alice"));
    assertEquals(100 * MS, limiter.tryAcquire("alice"), "retry after exactly 1/rps");
    for (int i = 0; i < 50; i++) {
      clock.advance(100 * MS - 1);
      assertEquals(1, limiter.tryAcquire("alice"), "one nanosecond early");
      clock.advance(1);
      assertEquals(0, limiter.tryAcquire("alice"), "token " + i + " on time");
      assertEquals(100 * MS, limiter.tryAcquire("alice"));
    }
  }

  @Test
  void fractionalRateRefillsOneTokenEveryTwoSeconds() {
    MethodRateLimiter limiter = limiter(0.5, 2);
    assertEquals(2, drain(limiter, "c"));
    assertEquals(2_000 * MS, limiter.tryAcquire("c"));
    clock.advance(Duration.ofMillis(1_500));
    assertEquals(500 * MS, limiter.tryAcquire("c"));
    clock.advance(Duration.ofMillis(500));
    assertEquals(1, drain(limiter, "c"));
  }

  @Test
  void burstOfOneAdmitsOneCallPerInterval() {
    MethodRateLimiter limiter = limiter(4, 1);
    assertEquals(0, limiter.tryAcquire("c"));
    assertEquals(250 * MS, limiter.tryAcquire("c"));
    clock.advance(Duration.ofSeconds(10));
    assertEquals(1, drain(limiter, "c"), "a rested burst-1 bucket still holds one token");
  }

  @Test
  void partialRefillAndRetryNanosAreExact() {
    MethodRateLimiter limiter = limiter(10, 10);
    assertEquals(10, drain(limiter, "c"));
    clock.advance(Duration.ofMillis(350));
    assertEquals(3, drain(limiter, "c"));
    assertEquals(50 * MS, limiter.tryAcquire("c"), "half a token had accrued");
  }

  @Test
  void restingLongerThanAFullRefillNeverExceedsTheBurst() {
    MethodRateLimiter limiter = limiter(100, 7);
    assertEquals(7, drain(limiter, "c"));
    clock.advance(Duration.ofHours(3));
    assertEquals(7, drain(limiter, "c"));
  }

  @Test
  void clientsAndMethodsAreIndependent() {
    MethodRateLimiter get = backend.forMethod("test.Svc/Get", new RateLimitSpec(1, 3));
    MethodRateLimiter put = backend.forMethod("test.Svc/Put", new RateLimitSpec(1, 2));
    assertEquals(3, drain(get, "alice"));
    assertEquals(3, drain(get, "bob"), "bob has his own bucket");
    assertEquals(2, drain(put, "alice"), "alice's bucket on another method is untouched");
    assertEquals(1_000 * MS, get.tryAcquire("alice"));
  }

  @Test
  void matchesAReferenceTokenBucketOnRandomTraffic() {
    long[] seeds = {1, 2, 3};
    double[] rates = {3, 0.7, 1_000};
    int[] bursts = {4, 1, 50};
    for (int s = 0; s < seeds.length; s++) {
      RateLimitSpec spec = new RateLimitSpec(rates[s], bursts[s]);
      MethodRateLimiter limiter = backend.forMethod("test.Ref/M" + s, spec);
      long interval = spec.nanosPerToken();
      Random random = new Random(seeds[s]);
      int clients = 5;
      ReferenceBucket[] reference = new ReferenceBucket[clients];
      long now = 0;
      for (int step = 0; step < 50_000; step++) {
        long gap =
            random.nextInt(3) == 0
                ? random.nextInt((int) Math.min(interval * 3, Integer.MAX_VALUE))
                : 0;
        clock.advance(gap);
        now += gap;
        int c = random.nextInt(clients);
        if (reference[c] == null) {
          reference[c] = new ReferenceBucket(spec.burst(), interval, now);
        }
        long expected = reference[c].tryTake(now);
        assertEquals(
            expected, limiter.tryAcquire("client-" + c), "seed " + seeds[s] + " step " + step);
      }
    }
  }

  @Test
  void rejectsNullClientKey() {
    MethodRateLimiter limiter = limiter(1, 1);
    NullPointerException e =
        assertThrows(NullPointerException.class, () -> limiter.tryAcquire(null));
    assertEquals("clientKey", e.getMessage());
  }

  /**
   * The textbook token bucket, in integer nanoseconds of credit: {@code credit = tokens * T}, at
   * most {@code burst * T}, refilled one nanosecond per nanosecond, a call costs {@code T}.
   */
  private static final class ReferenceBucket {
    private final long capacity;
    private final long interval;
    private long credit;
    private long last;

    ReferenceBucket(int burst, long interval, long now) {
      this.capacity = burst * interval;
      this.interval = interval;
      this.credit = capacity;
      this.last = now;
    }

    long tryTake(long now) {
      credit = Math.min(capacity, credit + (now - last));
      last = now;
      if (credit >= interval) {
        credit -= interval;
        return 0;
      }
      return interval - credit;
    }
  }
}
