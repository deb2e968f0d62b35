package dev.datapunk.mesh.runtime.ratelimit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.datapunk.mesh.runtime.policy.RateLimitSpec;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Idle buckets leave memory, and leaving changes no decision. */
class IdleEvictionTest {

  private final FakeNanoClock clock = new FakeNanoClock();

  @Test
  void idleClientsAreSweptAndComeBackAsNewFullClients() {
    try (LocalRateLimiterBackend backend =
        LocalRateLimiterBackend.builder().clock(clock).sweepInterval(Duration.ZERO).build()) {
      RateLimitSpec spec = new RateLimitSpec(10, 4); // full again 400 ms after draining
      MethodRateLimiter a = backend.forMethod("test.Svc/A", spec);
      MethodRateLimiter b = backend.forMethod("test.Svc/B", spec);
      for (int i = 0; i < 100; i++) {
        a.tryAcquire("client-" + i);
        b.tryAcquire("client-" + i);
      }
      while (a.tryAcquire("drained") == 0) {
        // empty the bucket of "drained"
      }
      assertEquals(201, backend.trackedClients());
      assertEquals(0, backend.sweepIdle(), "no bucket is full yet");

      clock.advance(Duration.ofMillis(100)); // the 200 one-call clients are full again
      assertEquals(200, backend.sweepIdle());
      assertEquals(1, backend.trackedClients());
      assertEquals(1, ((LocalMethodRateLimiter) a).trackedClients());
      assertEquals(0, ((LocalMethodRateLimiter) b).trackedClients());
      assertEquals(0, a.tryAcquire("drained"), "the drained client kept its state: one token back");
      assertEquals(100_000_000L, a.tryAcquire("drained"));

      clock.advance(Duration.ofMillis(399));
      assertEquals(0, backend.sweepIdle(), "a millisecond short of full");
      clock.advance(Duration.ofMillis(1)); // "drained" has refilled completely
      assertEquals(1, backend.sweepIdle());
      assertEquals(0, backend.trackedClients());

      for (int i = 0; i < 4; i++) {
        assertEquals(0, a.tryAcquire("drained"), "evicted client starts full, call " + i);
      }
      assertEquals(100_000_000L, a.tryAcquire("drained"));
    }
  }

  @Test
  void sweepingAtAnyMomentChangesNoDecision() {
    RateLimitSpec spec = new RateLimitSpec(3, 5);
    FakeNanoClock swept = new FakeNanoClock();
    FakeNanoClock unswept = new FakeNanoClock();
    try (LocalRateLimiterBackend withSweeps =
            LocalRateLimiterBackend.builder().clock(swept).sweepInterval(Duration.ZERO).build();
        LocalRateLimiterBackend withoutSweeps =
            LocalRateLimiterBackend.builder().clock(unswept).sweepInterval(Duration.ZERO).build()) {
      MethodRateLimiter x = withSweeps.forMethod("test.Svc/M", spec);
      MethodRateLimiter y = withoutSweeps.forMethod("test.Svc/M", spec);
      java.util.Random random = new java.util.Random(42);
      long evicted = 0;
      for (int step = 0; step < 20_000; step++) {
        long gap = random.nextInt(4) == 0 ? random.nextInt(700_000_000) : 0;
        swept.advance(gap);
        unswept.advance(gap);
        String client = "c" + random.nextInt(20);
        assertEquals(y.tryAcquire(client), x.tryAcquire(client), "step " + step);
        if (random.nextInt(10) == 0) {
          evicted += withSweeps.sweepIdle();
        }
      }
      assertTrue(evicted > 100, "the sweeps evicted something (" + evicted + ")");
    }
  }

  @Test
  void aSweeperRacingWithCallsChangesNoDecision() {
    RateLimitSpec spec = new RateLimitSpec(1_000, 3);
    FakeNanoClock swept = new FakeNanoClock();
    FakeNanoClock unswept = new FakeNanoClock();
    try (LocalRateLimiterBackend withSweeps =
            LocalRateLimiterBackend.builder()
                .clock(swept)
                .sweepInterval(Duration.ofNanos(1))
                .build();
        LocalRateLimiterBackend withoutSweeps =
            LocalRateLimiterBackend.builder().clock(unswept).sweepInterval(Duration.ZERO).build()) {
      MethodRateLimiter x = withSweeps.forMethod("test.Svc/M", spec);
      MethodRateLimiter y = withoutSweeps.forMethod("test.Svc/M", spec);
      java.util.Random random = new java.util.Random(7);
      for (int step = 0; step < 300_000; step++) {
        long gap = random.nextInt(3) == 0 ? random.nextInt(2_000_000) : 0;
        swept.advance(gap);
        unswept.advance(gap);
        String client = "c" + random.nextInt(8);
        assertEquals(y.tryAcquire(client), x.tryAcquire(client), "step " + step);
      }
    }
  }

  @Test
  void backgroundSweepEvictsWithoutBeingAsked() {
    try (LocalRateLimiterBackend backend =
        LocalRateLimiterBackend.builder()
            .clock(clock)
            .sweepInterval(Duration.ofMillis(20))
            .build()) {
      MethodRateLimiter limiter = backend.forMethod("test.Svc/M", new RateLimitSpec(1, 1));
      for (int i = 0; i < 1_000; i++) {
        limiter.tryAcquire("client-" + i);
      }
      assertEquals(1_000, backend.trackedClients());
      clock.advance(Duration.ofSeconds(1));
      await().atMost(Duration.ofSeconds(5)).until(() -> backend.trackedClients() == 0);
    }
  }
}
