package dev.datapunk.mesh.runtime.ratelimit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.datapunk.mesh.runtime.policy.RateLimitSpec;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The backend's contract: one limiter per method, configuration checks, lifecycle. */
class LocalRateLimiterBackendTest {

  private static final RateLimitSpec SPEC = new RateLimitSpec(5, 5);

  @Test
  void isNamedLocalAndHandsOutOneLimiterPerMethod() {
    try (RateLimiterBackend backend = LocalRateLimiterBackend.create()) {
      assertEquals("local", backend.name());
      MethodRateLimiter limiter = backend.forMethod("pkg.Svc/Get", SPEC);
      assertEquals("pkg.Svc/Get", limiter.fullMethodName());
      assertEquals(SPEC, limiter.spec());
      IllegalStateException twice =
          assertThrows(IllegalStateException.class, () -> backend.forMethod("pkg.Svc/Get", SPEC));
      assertEquals("a rate limiter for pkg.Svc/Get already exists", twice.getMessage());
    }
  }

  @Test
  void refusesBadConfigurationNamingTheValue() {
    IllegalArgumentException cap =
        assertThrows(
            IllegalArgumentException.class, () -> LocalRateLimiterBackend.builder().maxClients(0));
    assertEquals("maxClients must be >= 1 (was 0)", cap.getMessage());
    IllegalArgumentException sweep =
        assertThrows(
            IllegalArgumentException.class,
            () -> LocalRateLimiterBackend.builder().sweepInterval(Duration.ofSeconds(-1)));
    assertEquals("sweepInterval must not be negative (was PT-1S)", sweep.getMessage());
    try (LocalRateLimiterBackend defaults = LocalRateLimiterBackend.create()) {
      assertEquals(LocalRateLimiterBackend.DEFAULT_MAX_CLIENTS, defaults.maxClients());
    }
  }

  @Test
  void closeStopsTheSweeperThreadAndRefusesNewMethods() {
    // Other tests' backends may have sweepers of their own in this JVM: watch only this one's.
    Set<Thread> others = sweeperThreads();
    LocalRateLimiterBackend backend =
        LocalRateLimiterBackend.builder().sweepInterval(Duration.ofMillis(5)).build();
    MethodRateLimiter limiter = backend.forMethod("pkg.Svc/Get", SPEC);
    await().atMost(Duration.ofSeconds(10)).until(() -> !ownSweepers(others).isEmpty());
    Set<Thread> own = ownSweepers(others);
    backend.close();
    backend.close(); // idempotent
    await("the sweeper thread ended")
        .atMost(Duration.ofSeconds(10))
        .until(() -> own.stream().noneMatch(Thread::isAlive));
    assertEquals(0, limiter.tryAcquire("c"), "limiters keep deciding after close");
    IllegalStateException closed =
        assertThrows(IllegalStateException.class, () -> backend.forMethod("pkg.Svc/Put", SPEC));
    assertEquals("rate limiter backend is closed; cannot add pkg.Svc/Put", closed.getMessage());
  }

  /** The live sweeper threads that are not among {@code others}. */
  private static Set<Thread> ownSweepers(Set<Thread> others) {
    Set<Thread> own = sweeperThreads();
    own.removeAll(others);
    return own;
  }

  private static Set<Thread> sweeperThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().equals("mesh-ratelimit-sweeper") && t.isAlive())
        .collect(Collectors.toCollection(HashSet::new));
  }
}
