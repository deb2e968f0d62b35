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
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The hard cap on tracked clients and the overflow-bucket policy. */
class ClientCapTest {

  private static final long SECOND = 1_000_000_000L;

  private final FakeNanoClock clock = new FakeNanoClock();

  @Test
  void clientsBeyondTheCapShareOneOverflowBucketWithTheMethodsLimit() {
    try (LocalRateLimiterBackend backend =
        LocalRateLimiterBackend.builder()
            .clock(clock)
            .maxClients(100)
            .sweepInterval(Duration.ZERO)
            .build()) {
      MethodRateLimiter limiter = backend.forMethod("test.Svc/M", new RateLimitSpec(1, 3));
      for (int i = 0; i < 100; i++) {
        assertEquals(0, limiter.tryAcquire("tracked-" + i));
      }
      assertEquals(100, backend.trackedClients());

      // 3 calls in all for everyone the cap keeps out, then the overflow bucket's own retry time.
      assertEquals(0, limiter.tryAcquire("late-1"));
      assertEquals(0, limiter.tryAcquire("late-2"));
      assertEquals(0, limiter.tryAcquire("late-3"));
      assertEquals(SECOND, limiter.tryAcquire("late-4"));
      assertEquals(SECOND, limiter.tryAcquire("late-1"));
      assertEquals(100, backend.trackedClients());
      assertEquals(5, backend.overflowDecisions());

      // Tracked clients keep their own buckets: two tokens left each.
      assertEquals(0, limiter.tryAcquire("tracked-7"));
      assertEquals(0, limiter.tryAcquire("tracked-7"));
      assertEquals(SECOND, limiter.tryAcquire("tracked-7"));

      assertEquals(0, backend.sweepIdle(), "no tracked bucket is full, none may be dropped");
    }
  }

  @Test
  void aClientLeavingTheOverflowBucketGainsNoTokens() {
    try (LocalRateLimiterBackend backend =
        LocalRateLimiterBackend.builder()
            .clock(clock)
            .maxClients(10)
            .sweepInterval(Duration.ZERO)
            .build()) {
      MethodRateLimiter limiter = backend.forMethod("test.Svc/M", new RateLimitSpec(1, 3));
      for (int i = 0; i < 10; i++) {
        limiter.tryAcquire("tracked-" + i); // each full again after 1 s
      }
      for (int i = 0; i < 3; i++) {
        assertEquals(0, limiter.tryAcquire("late"), "overflow call " + i);
      }
      assertEquals(SECOND, limiter.tryAcquire("late"));

      clock.advance(SECOND);
      assertEquals(10, backend.sweepIdle());
      assertEquals(0, backend.trackedClients());

      // The overflow bucket has 1 of 3 tokens back; "late" gets its own bucket no fuller than that.
      assertEquals(0, limiter.tryAcquire("late"));
      assertEquals(SECOND, limiter.tryAcquire("late"));
      assertEquals(1, backend.trackedClients(), "late now has its own bucket");

      clock.advance(2 * SECOND); // the overflow bucket is full: new clients start full again
      assertEquals(0, limiter.tryAcquire("fresh"));
      assertEquals(0, limiter.tryAcquire("fresh"));
      assertEquals(0, limiter.tryAcquire("fresh"));
      assertEquals(SECOND, limiter.tryAcquire("fresh"));
    }
  }

  @Test
  void theCapIsSharedByAllMethodsOfTheBackend() {
    try (LocalRateLimiterBackend backend =
        LocalRateLimiterBackend.builder()
            .clock(clock)
            .maxClients(10)
            .sweepInterval(Duration.ZERO)
            .build()) {
      MethodRateLimiter a = backend.forMethod("test.Svc/A", new RateLimitSpec(1, 1));
      MethodRateLimiter b = backend.forMethod("test.Svc/B", new RateLimitSpec(1, 1));
      for (int i = 0; i < 6; i++) {
        a.tryAcquire("c" + i);
        b.tryAcquire("c" + i);
      }
      assertEquals(10, backend.trackedClients());
      assertEquals(5, ((LocalMethodRateLimiter) a).trackedClients());
      assertEquals(5, ((LocalMethodRateLimiter) b).trackedClients());
      assertEquals(2, backend.overflowDecisions());
    }
  }

  @Test
  void aConcurrentFloodOfNewKeysNeverGrowsStateAboveTheCap() throws Exception {
    int cap = 1_000;
    try (LocalRateLimiterBackend backend =
        LocalRateLimiterBackend.builder()
            .maxClients(cap)
            .sweepInterval(Duration.ofMillis(10))
            .build()) {
      LocalMethodRateLimiter a =
          (LocalMethodRateLimiter) backend.forMethod("test.Svc/A", new RateLimitSpec(1_000, 2));
      LocalMethodRateLimiter b =
          (LocalMethodRateLimiter) backend.forMethod("test.Svc/B", new RateLimitSpec(1, 2));
      int threads = 4;
      int keysPerThread = 50_000;
      ExecutorService pool = Executors.newFixedThreadPool(threads + 1);
      try {
        AtomicBoolean flooding = new AtomicBoolean(true);
        AtomicLong largestSeen = new AtomicLong();
        Future<?> monitor =
            pool.submit(
                () -> {
                  // The two map sizes are read at different instants, so their sum can
                  // briefly count an entry moving between sweeps twice; each map alone and
                  // the backend's reserved count are exact bounds.
                  while (flooding.get()) {
                    largestSeen.accumulateAndGet(backend.trackedClients(), Math::max);
                    largestSeen.accumulateAndGet(a.trackedClients(), Math::max);
                    largestSeen.accumulateAndGet(b.trackedClients(), Math::max);
                  }
                });
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> floods = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          int thread = t;
          floods.add(
              pool.submit(
                  () -> {
                    start.await();
                    for (int i = 0; i < keysPerThread; i++) {
                      String key = "flood-" + thread + "-" + i;
                      a.tryAcquire(key);
                      b.tryAcquire(key);
                    }
                    return null;
                  }));
        }
        start.countDown();
        for (Future<?> flood : floods) {
          flood.get(60, TimeUnit.SECONDS);
        }
        flooding.set(false);
        monitor.get(10, TimeUnit.SECONDS);

        assertTrue(largestSeen.get() <= cap, "largest state seen " + largestSeen.get());
        assertTrue(backend.overflowDecisions() > 0, "the flood went past the cap");
        assertEquals(backend.trackedClients(), (long) a.trackedClients() + b.trackedClients());
      } finally {
        pool.shutdownNow();
        assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
      }
    }
  }
}
