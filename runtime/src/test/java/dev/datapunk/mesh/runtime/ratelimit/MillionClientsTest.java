package dev.datapunk.mesh.runtime.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.datapunk.mesh.runtime.policy.RateLimitSpec;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A million distinct clients pass through one method; the state they leave is measured and then
 * swept away once they are idle.
 */
class MillionClientsTest {

  private static final int CLIENTS = 1_000_000;

  @Test
  void aMillionClientsComeAndGoAndTheirStateGoesWithThem() {
    String[] keys = new String[CLIENTS];
    for (int i = 0; i < CLIENTS; i++) {
      keys[i] = "spiffe://mesh/client-" + i;
    }
    FakeNanoClock clock = new FakeNanoClock();
    try (LocalRateLimiterBackend backend =
        LocalRateLimiterBackend.builder().clock(clock).sweepInterval(Duration.ZERO).build()) {
      MethodRateLimiter limiter = backend.forMethod("test.Svc/M", new RateLimitSpec(10, 2));
      long heapBefore = usedHeapAfterGc();
      long start = System.nanoTime();
      for (String key : keys) {
        if (limiter.tryAcquire(key) != 0) {
          throw new AssertionError(key + " was refused its first call");
        }
      }
      long insertMillis = (System.nanoTime() - start) / 1_000_000;
      assertEquals(CLIENTS, backend.trackedClients());
      long bytesPerClient = (usedHeapAfterGc() - heapBefore) / CLIENTS;
      System.out.printf(
          "rate limiter: %,d new clients in %d ms; %d bytes of heap per tracked client"
              + " (map node, table slot and 24-byte cell; the keys were already live)%n",
          CLIENTS, insertMillis, bytesPerClient);
      // Expected about 32 (node) + 24 (cell) + 8 (table slot); GC accounting is only approximate.
      assertTrue(bytesPerClient < 128, bytesPerClient + " bytes per client");

      // Each client holds 1 of 2 tokens: nothing is idle yet.
      long fastestSweep = Long.MAX_VALUE;
      for (int sweep = 0; sweep < 3; sweep++) {
        start = System.nanoTime();
        assertEquals(0, backend.sweepIdle());
        fastestSweep = Math.min(fastestSweep, System.nanoTime() - start);
      }
      System.out.printf(
          "rate limiter: a sweep over %,d busy clients took %d ms (fastest of 3)%n",
          CLIENTS, fastestSweep / 1_000_000);
      clock.advance(Duration.ofMillis(100));
      start = System.nanoTime();
      assertEquals(CLIENTS, backend.sweepIdle());
      long sweepMillis = (System.nanoTime() - start) / 1_000_000;
      System.out.printf("rate limiter: swept %,d idle clients in %d ms%n", CLIENTS, sweepMillis);
      assertEquals(0, backend.trackedClients());
      assertTrue(usedHeapAfterGc() - heapBefore < CLIENTS * 8L, "state was released");
    }
  }

  private static long usedHeapAfterGc() {
    Runtime runtime = Runtime.getRuntime();
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return runtime.totalMemory() - runtime.freeMemory();
  }
}
