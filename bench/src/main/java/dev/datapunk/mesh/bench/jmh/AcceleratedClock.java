package dev.datapunk.mesh.bench.jmh;

import dev.datapunk.mesh.runtime.ratelimit.NanoClock;
import io.github.bucket4j.TimeMeter;

/**
 * A monotonic clock that runs {@value #SPEED} times faster than {@link System#nanoTime()}, shared
 * by our limiter ({@link NanoClock}) and Bucket4j ({@link TimeMeter}).
 *
 * <p>{@code @RateLimit} accepts at most 1,000,000 rps, one token per microsecond, while one core
 * makes a decision every few tens of nanoseconds; on the real clock any limit would soon be
 * exhausted and the benchmark would measure rejections. On this clock the same limit refills a
 * token every real nanosecond, so every decision admits and both limiters run their admit path (one
 * CAS) under identical limits. Reading it costs one {@code nanoTime} and a multiply for both.
 */
public final class AcceleratedClock implements NanoClock, TimeMeter {

  /** How many clock nanoseconds pass per real nanosecond. */
  public static final long SPEED = 1000;

  private final long origin = System.nanoTime();

  /** A clock starting at 0 now. */
  public AcceleratedClock() {
    // origin set above
  }

  @Override
  public long nanoTime() {
    return (System.nanoTime() - origin) * SPEED;
  }

  @Override
  public long currentTimeNanos() {
    return (System.nanoTime() - origin) * SPEED;
  }

  @Override
  public boolean isWallClockBased() {
    return false;
  }
}
