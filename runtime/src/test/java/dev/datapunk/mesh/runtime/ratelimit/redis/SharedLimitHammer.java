package dev.datapunk.mesh.runtime.ratelimit.redis;

import dev.datapunk.mesh.runtime.policy.RateLimitSpec;
import dev.datapunk.mesh.runtime.ratelimit.MethodRateLimiter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Threads asking for one client's tokens as fast as they can, several per limiter (each limiter
 * another backend: a replica of the same server), for a while. The result counts what was admitted
 * over the window the calls really ran in, from the first call's start to the last call's end, so
 * that a thread started late or a test thread slow to notice the end does not change the bound.
 */
final class SharedLimitHammer {

  /** What the threads saw. */
  record Result(long admitted, long refused, long failures, double seconds) {

    /** The most {@code spec} admits over the window: {@code rps x seconds + burst}. */
    double allowed(RateLimitSpec spec) {
      return spec.rps() * seconds + spec.burst();
    }
  }

  private SharedLimitHammer() {}

  /**
   * Runs {@code threadsEach} threads per limiter, each asking for {@code client}'s tokens during
   * {@code load}.
   */
  static Result run(List<MethodRateLimiter> limiters, int threadsEach, String client, Duration load)
      throws InterruptedException {
    LongAdder admitted = new LongAdder();
    LongAdder refused = new LongAdder();
    AtomicLong failures = new AtomicLong();
    AtomicLong firstStart = new AtomicLong(Long.MAX_VALUE);
    AtomicLong lastEnd = new AtomicLong(Long.MIN_VALUE);
    CountDownLatch go = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    for (MethodRateLimiter limiter : limiters) {
      for (int t = 0; t < threadsEach; t++) {
        Thread thread =
            new Thread(
                () -> {
                  try {
                    go.await();
                    long start = System.nanoTime();
                    firstStart.accumulateAndGet(start, Math::min);
                    long end = start + load.toNanos();
                    while (System.nanoTime() - end < 0) {
                      (limiter.tryAcquire(client) == 0 ? admitted : refused).increment();
                    }
                    lastEnd.accumulateAndGet(System.nanoTime(), Math::max);
                  } catch (InterruptedException | RuntimeException e) {
                    failures.incrementAndGet();
                  }
                },
                "hammer-" + threads.size());
        thread.setDaemon(true);
        threads.add(thread);
      }
    }
    threads.forEach(Thread::start);
    go.countDown();
    for (Thread thread : threads) {
      thread.join(TimeUnit.SECONDS.toMillis(20) + load.toMillis());
      if (thread.isAlive()) {
        throw new AssertionError(thread.getName() + " still running");
      }
    }
    return new Result(
        admitted.sum(), refused.sum(), failures.get(), (lastEnd.get() - firstStart.get()) / 1e9);
  }
}
