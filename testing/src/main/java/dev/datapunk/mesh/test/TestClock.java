package dev.datapunk.mesh.test;

import dev.datapunk.mesh.runtime.ratelimit.NanoClock;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The time of a {@link MeshTestServer}: it stands still until the test {@linkplain #advance
 * advances} it. Both readings move together: the monotonic one ({@link #nanoTime()}) that the rate
 * limiter's buckets refill by, and the wall-clock one ({@link #instant()}) that test tokens are
 * issued at and the token verifier checks {@code exp} against.
 *
 * <pre>{@code
 * mesh.clock().advance(Duration.ofMillis(200));   // a 5 rps bucket gains exactly one token
 * }</pre>
 *
 * <p>The adaptive concurrency limit and call deadlines keep real time. Thread-safe; never goes
 * backwards.
 */
public final class TestClock extends Clock implements NanoClock {

  private final Instant start;
  private final AtomicLong elapsedNanos = new AtomicLong();

  /** A clock standing at {@code start}, in UTC. */
  public TestClock(Instant start) {
    this.start = Objects.requireNonNull(start, "start");
  }

  /**
   * Moves time forward by {@code amount}.
   *
   * @throws IllegalArgumentException when {@code amount} is negative: the clock never goes back
   */
  public void advance(Duration amount) {
    Objects.requireNonNull(amount, "amount");
    if (amount.isNegative()) {
      throw new IllegalArgumentException(
          "a test clock never goes back (advance by " + amount + ")");
    }
    elapsedNanos.addAndGet(amount.toNanos());
  }

  /** How far the clock has been advanced since it was created. */
  public Duration elapsed() {
    return Duration.ofNanos(elapsedNanos.get());
  }

  /** The monotonic reading: nanoseconds advanced since the clock was created. */
  @Override
  public long nanoTime() {
    return elapsedNanos.get();
  }

  /** The wall-clock reading: the start instant plus the time advanced. */
  @Override
  public Instant instant() {
    return start.plusNanos(elapsedNanos.get());
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  /** This clock seen in {@code zone}: the same instants, advanced with this one. */
  @Override
  public Clock withZone(ZoneId zone) {
    Objects.requireNonNull(zone, "zone");
    TestClock self = this;
    return new Clock() {
      @Override
      public ZoneId getZone() {
        return zone;
      }

      @Override
      public Clock withZone(ZoneId other) {
        return self.withZone(other);
      }

      @Override
      public Instant instant() {
        return self.instant();
      }
    };
  }

  @Override
  public String toString() {
    return "TestClock[" + instant() + ", advanced " + elapsed() + "]";
  }
}
