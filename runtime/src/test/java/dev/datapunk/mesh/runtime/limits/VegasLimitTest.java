package dev.datapunk.mesh.runtime.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * The dynamics of {@link VegasLimit}, driven by a model of a server: {@code workers} threads, each
 * call {@code serviceMillis} of work, the limit's calls in flight (as under overload) so that the
 * latency is {@code serviceMillis * max(1, limit / workers)}.
 */
class VegasLimitTest {

  private static final long MS = 1_000_000L;

  @Test
  void growsWhileLatencyStaysAtNoLoad() {
    VegasLimit limit = new VegasLimit(10, 1, 200);
    for (int i = 0; i < 100; i++) {
      limit.onSample(10 * MS, limit.limit());
    }
    assertThat(limit.limit()).isEqualTo(200);
  }

  @Test
  void doesNotGrowWhenTheLoadIsBelowHalfTheLimit() {
    VegasLimit limit = new VegasLimit(20, 1, 200);
    for (int i = 0; i < 100; i++) {
      limit.onSample(10 * MS, 3);
    }
    assertThat(limit.limit()).isEqualTo(20);
  }

  @Test
  void shrinksUnderQueueingToNearTheWorkerCount() {
    VegasLimit limit = new VegasLimit(100, 1, 1000);
    int workers = 4;
    // A few calls before the overload (a server starts before its traffic) teach the no-load
    // latency.
    for (int i = 0; i < 5; i++) {
      limit.onSample(10 * MS, 1);
    }
    for (int i = 0; i < 2_000; i++) {
      limit.onSample(queuedLatency(limit.limit(), workers), limit.limit());
    }
    // Latency at the settled limit stays within a small multiple of the 10 ms no-load latency.
    assertThat(limit.limit()).isBetween(workers, 3 * workers);
    assertThat(queuedLatency(limit.limit(), workers)).isLessThanOrEqualTo(30 * MS);
  }

  @Test
  void findsCapacityFromBelowToo() {
    VegasLimit limit = new VegasLimit(1, 1, 1000);
    int workers = 16;
    for (int i = 0; i < 2_000; i++) {
      limit.onSample(queuedLatency(limit.limit(), workers), limit.limit());
    }
    assertThat(limit.limit()).isBetween(workers, 3 * workers);
  }

  @Test
  void followsCapacityWhenItDrops() {
    VegasLimit limit = new VegasLimit(20, 1, 1000);
    for (int i = 0; i < 2_000; i++) {
      limit.onSample(queuedLatency(limit.limit(), 32), limit.limit());
    }
    int before = limit.limit();
    // Capacity falls from 32 concurrent calls to 4.
    for (int i = 0; i < 2_000; i++) {
      limit.onSample(queuedLatency(limit.limit(), 4), limit.limit());
    }
    assertThat(before).isGreaterThanOrEqualTo(32);
    assertThat(limit.limit()).isBetween(4, 12);
  }

  @Test
  void staysWithinMinAndMax() {
    VegasLimit limit = new VegasLimit(10, 5, 12);
    for (int i = 0; i < 100; i++) {
      limit.onSample(10 * MS, limit.limit());
    }
    assertThat(limit.limit()).isEqualTo(12);
    for (int i = 0; i < 100; i++) {
      limit.onSample(1_000 * MS, limit.limit());
      limit.onDrop();
    }
    assertThat(limit.limit()).isEqualTo(5);
  }

  @Test
  void dropsShrinkByTenPercent() {
    VegasLimit limit = new VegasLimit(100, 1, 1000);
    limit.onDrop();
    assertThat(limit.limit()).isEqualTo(90);
    limit.onDrop();
    assertThat(limit.limit()).isEqualTo(81);
  }

  @Test
  void rejectsInconsistentBounds() {
    assertThatThrownBy(() -> new VegasLimit(5, 6, 10)).hasMessageContaining("min 6, initial 5");
    assertThatThrownBy(() -> new VegasLimit(5, 0, 10)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new VegasLimit(11, 1, 10))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static long queuedLatency(int inFlight, int workers) {
    return 10 * MS * Math.max(1, inFlight) / Math.min(workers, Math.max(1, inFlight));
  }
}
