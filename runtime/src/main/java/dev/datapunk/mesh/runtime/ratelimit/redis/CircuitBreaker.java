package dev.datapunk.mesh.runtime.ratelimit.redis;

import dev.datapunk.mesh.runtime.logging.MeshLoggers;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * Keeps calls from each paying the Redis timeout while Redis is down: after {@code
 * failureThreshold} consecutive failures the circuit opens and {@link #tryPass()} says no for
 * {@code coolDownNanos}; then exactly one call passes as a probe (half-open): its success closes
 * the circuit, its failure opens it for another cool-down. Any success closes it.
 *
 * <p>Lock-free; the closed-circuit path reads one volatile int and, after a success, writes nothing
 * unless a failure was counted.
 */
final class CircuitBreaker {

  private static final Logger log = MeshLoggers.getLogger(CircuitBreaker.class);

  private static final int CLOSED = 0;
  private static final int OPEN = 1;
  private static final int HALF_OPEN = 2;

  private final String guarded;
  private final int failureThreshold;
  private final long coolDownNanos;
  private final LongSupplier nanoClock;
  private final AtomicInteger state = new AtomicInteger(CLOSED);
  private final AtomicInteger consecutiveFailures = new AtomicInteger();
  private volatile long probeAt;

  CircuitBreaker(int failureThreshold, long coolDownNanos, LongSupplier nanoClock) {
    this("Redis", failureThreshold, coolDownNanos, nanoClock);
  }

  /**
   * @param guarded what the breaker guards, for its log lines: {@code Redis} or a cluster node
   */
  CircuitBreaker(String guarded, int failureThreshold, long coolDownNanos, LongSupplier nanoClock) {
    this.guarded = guarded;
    if (failureThreshold < 1) {
      throw new IllegalArgumentException(
          "failureThreshold must be >= 1 (was " + failureThreshold + ")");
    }
    if (coolDownNanos < 1) {
      throw new IllegalArgumentException("coolDownNanos must be >= 1 (was " + coolDownNanos + ")");
    }
    this.failureThreshold = failureThreshold;
    this.coolDownNanos = coolDownNanos;
    this.nanoClock = nanoClock;
  }

  /** Whether this call may ask Redis: always while closed; once per cool-down while open. */
  boolean tryPass() {
    int current = state.get();
    if (current == CLOSED) {
      return true;
    }
    return current == OPEN
        && nanoClock.getAsLong() - probeAt >= 0
        && state.compareAndSet(OPEN, HALF_OPEN);
  }

  /** Redis answered a call that passed. */
  void onSuccess() {
    if (consecutiveFailures.get() != 0) {
      consecutiveFailures.set(0);
    }
    int previous = state.get();
    if (previous != CLOSED && state.compareAndSet(previous, CLOSED)) {
      log.info(
          "Redis rate limiter: {} answers again; decisions are shared again (circuit closed)",
          guarded);
    }
  }

  /** Redis failed a call that passed; {@code cause} is logged when it opens the circuit. */
  void onFailure(Throwable cause) {
    if (state.get() == HALF_OPEN) {
      open(HALF_OPEN, cause);
      return;
    }
    if (consecutiveFailures.incrementAndGet() >= failureThreshold) {
      open(CLOSED, cause);
    }
  }

  boolean isOpen() {
    return state.get() != CLOSED;
  }

  private void open(int from, Throwable cause) {
    probeAt = nanoClock.getAsLong() + coolDownNanos;
    consecutiveFailures.set(0);
    if (state.compareAndSet(from, OPEN) && from == CLOSED) {
      log.warn(
          "Redis rate limiter: {} consecutive failures of {} (last: {}); circuit open, the failure"
              + " mode decides until a probe every {} ms succeeds",
          failureThreshold,
          guarded,
          describe(cause),
          coolDownNanos / 1_000_000);
    }
  }

  private static String describe(Throwable cause) {
    return cause.getClass().getSimpleName()
        + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
  }
}
