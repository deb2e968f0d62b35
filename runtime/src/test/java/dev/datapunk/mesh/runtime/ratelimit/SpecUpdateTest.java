package dev.datapunk.mesh.runtime.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.datapunk.mesh.runtime.policy.RateLimitSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link MethodRateLimiter#updateSpec}: limits change at run time without refilling anyone. */
class SpecUpdateTest {

  private static final long MS = 1_000_000L;
  private static final long SECOND = 1_000 * MS;

  private final FakeNanoClock clock = new FakeNanoClock();
  private final LocalRateLimiterBackend backend =
      LocalRateLimiterBackend.builder().clock(clock).sweepInterval(Duration.ZERO).build();

  @AfterEach
  void close() {
    backend.close();
  }

  private static int drain(MethodRateLimiter limiter, String client) {
    int taken = 0;
    while (limiter.tryAcquire(client) == 0) {
      taken++;
    }
    return taken;
  }

  @Test
  void specReportsTheLatestLimit() {
    MethodRateLimiter limiter = backend.forMethod("test.Svc/M", new RateLimitSpec(10, 10));
    limiter.updateSpec(new RateLimitSpec(2.5, 4));
    assertEquals(new RateLimitSpec(2.5, 4), limiter.spec());
  }

  @Test
  void loweringTheBurstClampsWhatAClientHolds() {
    MethodRateLimiter limiter = backend.forMethod("test.Svc/M", new RateLimitSpec(10, 10));
    assertEquals(0, limiter.tryAcquire("a")); // 9 left
    for (int i = 0; i < 8; i++) {
      limiter.tryAcquire("b"); // 2 left
    }
    limiter.updateSpec(new RateLimitSpec(10, 3));
    assertEquals(3, drain(limiter, "a"), "9 tokens clamped to the new burst of 3");
    assertEquals(100 * MS, limiter.tryAcquire("a"));
    assertEquals(2, drain(limiter, "b"), "2 tokens are under the new burst: kept");
    assertEquals(3, drain(limiter, "new"), "a new client starts full under the new limit");
  }

  @Test
  void raisingTheBurstRefillsNobodyWhoWasShortOfTokens() {
    MethodRateLimiter limiter = backend.forMethod("test.Svc/M", new RateLimitSpec(10, 3));
    assertEquals(0, limiter.tryAcquire("short")); // 2 of 3 left
    assertEquals(0, limiter.tryAcquire("rested"));
    clock.advance(100 * MS); // "rested" is full again but still tracked; "short" too, so use more
    assertEquals(0, limiter.tryAcquire("short"));
    assertEquals(0, limiter.tryAcquire("short")); // 1 of 3 left
    assertEquals(2, backend.trackedClients());

    limiter.updateSpec(new RateLimitSpec(10, 10));
    assertEquals(1, drain(limiter, "short"), "keeps its 1 token, is not handed the difference");
    assertEquals(10, drain(limiter, "rested"), "a full bucket stays full, like a new client");
    assertEquals(10, drain(limiter, "new"));

    clock.advance(Duration.ofSeconds(1)); // refills at the new rate up to the new burst
    assertEquals(10, drain(limiter, "short"));
  }

  @Test
  void aLowerRateKeepsMissingTokensMissingAndTheUpdateInstantIsExact() {
    MethodRateLimiter limiter = backend.forMethod("test.Svc/M", new RateLimitSpec(10, 10));
    assertEquals(10, drain(limiter, "a"));
    clock.advance(500 * MS); // 5 tokens back at the old rate
    limiter.updateSpec(new RateLimitSpec(1, 10));
    clock.advance(2 * SECOND); // 2 more at the new rate, not 20 at the old one
    assertEquals(7, drain(limiter, "a"));
    assertEquals(SECOND, limiter.tryAcquire("a"));
  }

  @Test
  void aHigherRateRefillsFasterFromTheUpdateOn() {
    MethodRateLimiter limiter = backend.forMethod("test.Svc/M", new RateLimitSpec(1, 10));
    assertEquals(10, drain(limiter, "a"));
    clock.advance(SECOND); // 1 token back
    limiter.updateSpec(new RateLimitSpec(100, 10));
    assertEquals(1, drain(limiter, "a"));
    assertEquals(10 * MS, limiter.tryAcquire("a"));
    clock.advance(50 * MS);
    assertEquals(5, drain(limiter, "a"));
  }

  @Test
  void successiveUpdatesAreEachAppliedAtTheirOwnInstant() {
    MethodRateLimiter limiter = backend.forMethod("test.Svc/M", new RateLimitSpec(10, 10));
    assertEquals(10, drain(limiter, "a"));
    clock.advance(300 * MS); // 3 tokens
    limiter.updateSpec(new RateLimitSpec(1, 10));
    clock.advance(SECOND); // 4 tokens
    limiter.updateSpec(new RateLimitSpec(1, 2)); // clamped to 2
    assertEquals(2, drain(limiter, "a"));
    assertEquals(SECOND, limiter.tryAcquire("a"));
  }

  @Test
  void sweepsCarryBucketsOverAndDropOnlyThoseFullUnderTheNewLimit() {
    MethodRateLimiter limiter = backend.forMethod("test.Svc/M", new RateLimitSpec(10, 10));
    limiter.tryAcquire("clamped-to-full"); // 9 left, clamped to 3 of 3: full
    for (int i = 0; i < 8; i++) {
      limiter.tryAcquire("still-short"); // 2 left of 3: not full
    }
    limiter.updateSpec(new RateLimitSpec(10, 3));
    assertEquals(1, backend.sweepIdle());
    assertEquals(1, backend.trackedClients());
    assertEquals(2, drain(limiter, "still-short"), "the carried-over bucket kept its 2 tokens");
    assertEquals(3, drain(limiter, "clamped-to-full"));
  }

  @Test
  void updatesRacingWithCallsNeverHandOutATokenOrLoseOne() throws Exception {
    RateLimitSpec spec = new RateLimitSpec(50, 500);
    MethodRateLimiter limiter = backend.forMethod("test.Svc/M", spec);
    ExecutorService pool = Executors.newFixedThreadPool(5);
    AtomicBoolean running = new AtomicBoolean(true);
    try {
      CountDownLatch start = new CountDownLatch(1);
      CountDownLatch updating = new CountDownLatch(1);
      Future<Integer> updater =
          pool.submit(
              () -> {
                start.await();
                int updates = 0;
                while (running.get()) {
                  limiter.updateSpec(spec); // same numbers: every conversion is the identity
                  updates++;
                  updating.countDown();
                }
                return updates;
              });
      List<Future<Integer>> callers = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        callers.add(
            pool.submit(
                () -> {
                  updating.await(); // callers start only once updates are under way
                  int admitted = 0;
                  for (int i = 0; i < 20_000; i++) {
                    if (limiter.tryAcquire("shared") == 0) {
                      admitted++;
                    }
                  }
                  return admitted;
                }));
      }
      start.countDown();
      int admitted = 0;
      for (Future<Integer> caller : callers) {
        admitted += caller.get(60, TimeUnit.SECONDS);
      }
      running.set(false);
      assertTrue(updater.get(10, TimeUnit.SECONDS) > 0);
      assertEquals(500, admitted);
      clock.advance(spec.nanosPerToken());
      assertEquals(1, drain(limiter, "shared"));
    } finally {
      running.set(false);
      pool.shutdownNow();
      assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
    }
  }
}
