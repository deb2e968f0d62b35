package dev.datapunk.mesh.runtime.limits;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ConcurrencyLimiterTest {

  @Test
  void admitsUpToTheLimitAndAgainAfterARelease() {
    ConcurrencyLimiter limiter = new ConcurrencyLimiter("server", new VegasLimit(3, 1, 3));
    ConcurrencyLimiter.Partition all = limiter.partition("default", 0);
    assertThat(limiter.tryAcquire(all)).isTrue();
    assertThat(limiter.tryAcquire(all)).isTrue();
    assertThat(limiter.tryAcquire(all)).isTrue();
    assertThat(limiter.tryAcquire(all)).isFalse();
    assertThat(limiter.inFlight()).isEqualTo(3);
    limiter.onIgnored(all);
    assertThat(limiter.tryAcquire(all)).isTrue();
    assertThat(limiter.tryAcquire(all)).isFalse();
  }

  @Test
  void aReservedPartitionGetsItsShareWhenOthersFillTheLimit() {
    ConcurrencyLimiter limiter = new ConcurrencyLimiter("server", new VegasLimit(10, 1, 10));
    ConcurrencyLimiter.Partition flood = limiter.partition("default", 70);
    ConcurrencyLimiter.Partition critical = limiter.partition("pkg.S/Critical", 30);
    int admitted = 0;
    while (limiter.tryAcquire(flood)) {
      admitted++;
    }
    assertThat(admitted).isEqualTo(10);
    // The flood took the whole limit by borrowing; the critical method still has its 3 slots.
    assertThat(limiter.tryAcquire(critical)).isTrue();
    assertThat(limiter.tryAcquire(critical)).isTrue();
    assertThat(limiter.tryAcquire(critical)).isTrue();
    assertThat(limiter.tryAcquire(critical)).isFalse();
    assertThat(limiter.inFlight()).isEqualTo(13);
    // While the total is over the limit, the flood cannot refill what it releases.
    limiter.onIgnored(flood);
    assertThat(limiter.tryAcquire(flood)).isFalse();
    assertThat(flood.inFlight()).isEqualTo(9);
  }

  @Test
  void aSmallShareIsRoundedUpToOneCall() {
    ConcurrencyLimiter limiter = new ConcurrencyLimiter("server", new VegasLimit(2, 1, 2));
    ConcurrencyLimiter.Partition flood = limiter.partition("default", 0);
    ConcurrencyLimiter.Partition pub = limiter.partition("public", 10);
    while (limiter.tryAcquire(flood)) {
      // fill
    }
    assertThat(limiter.tryAcquire(pub)).isTrue();
    assertThat(limiter.tryAcquire(pub)).isFalse();
  }

  @Test
  void outcomesReleaseTheSlotAndFeedTheLimit() {
    VegasLimit limit = new VegasLimit(10, 1, 10);
    ConcurrencyLimiter limiter = new ConcurrencyLimiter("server", limit);
    ConcurrencyLimiter.Partition all = limiter.partition("default", 0);
    limiter.tryAcquire(all);
    limiter.onDropped(all);
    assertThat(limiter.inFlight()).isZero();
    assertThat(all.inFlight()).isZero();
    assertThat(limiter.limit()).isEqualTo(9);
    limiter.tryAcquire(all);
    limiter.onSuccess(all, 5_000_000L);
    assertThat(limiter.inFlight()).isZero();
    assertThat(limit.recentRttNanos()).isEqualTo(5_000_000L);
  }

  /**
   * One partition whose guarantee is the whole limit (the default partition: 90% of 8 rounds up to
   * 8), hammered from several threads: the calls inside at once never exceed the limit. Counting
   * the partition after the total let a ninth call in while another caller was between the two.
   */
  @Test
  void aPartitionGuaranteedTheWholeLimitNeverExceedsItUnderContention() throws Exception {
    ConcurrencyLimiter limiter = new ConcurrencyLimiter("server", new VegasLimit(8, 1, 8));
    ConcurrencyLimiter.Partition all = limiter.partition("default", 90);
    AtomicInteger inside = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 12; t++) {
      Thread thread =
          new Thread(
              () -> {
                try {
                  start.await();
                } catch (InterruptedException e) {
                  return;
                }
                for (int i = 0; i < 300_000; i++) {
                  if (limiter.tryAcquire(all)) {
                    most.accumulateAndGet(inside.incrementAndGet(), Math::max);
                    for (int spin = 0; spin < 20; spin++) {
                      Thread.onSpinWait();
                    }
                    inside.decrementAndGet();
                    limiter.onIgnored(all);
                  }
                }
              });
      threads.add(thread);
      thread.start();
    }
    start.countDown();
    for (Thread thread : threads) {
      thread.join();
    }
    assertThat(most.get()).as("most calls inside at once").isBetween(1, 8);
    assertThat(limiter.inFlight()).isZero();
    assertThat(all.inFlight()).isZero();
  }
}
