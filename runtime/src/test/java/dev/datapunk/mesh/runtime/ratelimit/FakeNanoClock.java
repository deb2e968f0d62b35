package dev.datapunk.mesh.runtime.ratelimit;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/** A clock that only moves when a test says so; starts at an arbitrary negative reading. */
final class FakeNanoClock implements NanoClock {

  private final AtomicLong now = new AtomicLong(-7_000_000_000L);

  @Override
  public long nanoTime() {
    return now.get();
  }

  void advance(long nanos) {
    now.addAndGet(nanos);
  }

  void advance(Duration duration) {
    advance(duration.toNanos());
  }
}
