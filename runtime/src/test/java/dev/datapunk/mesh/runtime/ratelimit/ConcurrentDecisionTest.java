package dev.datapunk.mesh.runtime.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.datapunk.mesh.runtime.policy.RateLimitSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Many threads on one bucket: never one token too many, never one too few. */
class ConcurrentDecisionTest {

  private static final int THREADS = 8;

  private final ExecutorService pool = Executors.newFixedThreadPool(THREADS);

  @AfterEach
  void stop() throws InterruptedException {
    pool.shutdownNow();
    assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
  }

  /** Runs {@code attempts} calls per thread (all threads released at once); returns admissions. */
  private long hammer(MethodRateLimiter limiter, String client, BooleanSupplier keepGoing)
      throws Exception {
    CountDownLatch start = new CountDownLatch(1);
    List<Future<Long>> results = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      Callable<Long> worker =
          () -> {
            start.await();
            long admitted = 0;
            while (keepGoing.getAsBoolean()) {
              if (limiter.tryAcquire(client) == 0) {
                admitted++;
              }
            }
            return admitted;
          };
      results.add(pool.submit(worker));
    }
    start.countDown();
    long admitted = 0;
    for (Future<Long> result : results) {
      admitted += result.get(30, TimeUnit.SECONDS);
    }
    return admitted;
  }

  private static BooleanSupplier calls(int perThread) {
    ThreadLocal<int[]> count = ThreadLocal.withInitial(() -> new int[1]);
    return () -> count.get()[0]++ < perThread;
  }

  @Test
  void frozenClockAdmitsExactlyBurstThenExactlyOnePerElapsedInterval() throws Exception {
    FakeNanoClock clock = new FakeNanoClock();
    try (LocalRateLimiterBackend backend =
        LocalRateLimiterBackend.builder().clock(clock).sweepInterval(Duration.ZERO).build()) {
      MethodRateLimiter limiter = backend.forMethod("test.Svc/Hot", new RateLimitSpec(100, 1_000));
      assertEquals(1_000, hammer(limiter, "shared", calls(20_000)));

      clock.advance(37 * new RateLimitSpec(100, 1_000).nanosPerToken());
      assertEquals(37, hammer(limiter, "shared", calls(20_000)));

      clock.advance(Duration.ofMillis(5)); // half a token: none yet
      assertEquals(0, hammer(limiter, "shared", calls(5_000)));
      clock.advance(Duration.ofMillis(5));
      assertEquals(1, hammer(limiter, "shared", calls(5_000)));
    }
  }

  @Test
  void newClientRacingOnItsFirstCallsStillGetsExactlyBurst() throws Exception {
    FakeNanoClock clock = new FakeNanoClock();
    try (LocalRateLimiterBackend backend =
        LocalRateLimiterBackend.builder().clock(clock).sweepInterval(Duration.ZERO).build()) {
      MethodRateLimiter limiter = backend.forMethod("test.Svc/New", new RateLimitSpec(1, 3));
      for (int round = 0; round < 50; round++) {
        assertEquals(3, hammer(limiter, "newcomer-" + round, calls(20)), "round " + round);
      }
      assertEquals(50, backend.trackedClients());
    }
  }

  @Test
  void realClockNeverAdmitsMoreThanBurstPlusRateTimesElapsed() throws Exception {
    try (LocalRateLimiterBackend backend = LocalRateLimiterBackend.create()) {
      double rps = 2_000;
      int burst = 50;
      MethodRateLimiter limiter = backend.forMethod("test.Svc/Real", new RateLimitSpec(rps, burst));
      long begin = System.nanoTime();
      long deadline = begin + TimeUnit.MILLISECONDS.toNanos(300);
      long admitted = hammer(limiter, "shared", () -> System.nanoTime() < deadline);
      double elapsedSeconds = (System.nanoTime() - begin) / 1e9;
      double bound = burst + rps * elapsedSeconds + 1;
      assertTrue(admitted <= bound, admitted + " admitted, bound " + bound);
      assertTrue(admitted >= burst, admitted + " admitted, fewer than the initial burst");
    }
  }
}
