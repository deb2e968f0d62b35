package dev.datapunk.mesh.runtime.ratelimit;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.datapunk.mesh.runtime.policy.RateLimitSpec;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A decision for a client already tracked allocates nothing, admitted or refused. */
class DecisionAllocationTest {

  @Test
  void trackedClientDecisionsAllocateNothing() {
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    FakeNanoClock clock = new FakeNanoClock();
    try (LocalRateLimiterBackend backend =
        LocalRateLimiterBackend.builder().clock(clock).sweepInterval(Duration.ZERO).build()) {
      MethodRateLimiter limiter = backend.forMethod("test.Svc/M", new RateLimitSpec(1_000_000, 10));
      String client = "spiffe://mesh/client";
      long sink = 0;
      for (int i = 0; i < 200_000; i++) { // warm up, and make the client tracked
        sink += limiter.tryAcquire(client);
        clock.advance(300);
      }
      long thread = Thread.currentThread().getId();
      long before = threads.getThreadAllocatedBytes(thread);
      for (int i = 0; i < 1_000_000; i++) {
        sink += limiter.tryAcquire(client); // about one call in three is refused
        clock.advance(300);
      }
      long allocated = threads.getThreadAllocatedBytes(thread) - before;
      assertTrue(sink > 0, "some calls were refused");
      // Zero in practice; the slack covers the measuring call itself.
      assertTrue(allocated < 1_024, allocated + " bytes allocated by 1,000,000 decisions");
    }
  }
}
