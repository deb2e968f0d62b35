package dev.datapunk.mesh.runtime.ratelimit.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The breaker's states on a clock the test steps. */
class CircuitBreakerTest {

  private final AtomicLong clock = new AtomicLong(1_000);
  private final CircuitBreaker breaker = new CircuitBreaker(3, 100, clock::get);
  private final RuntimeException failure = new RuntimeException("down");

  @Test
  void opensAfterConsecutiveFailuresOnly() {
    breaker.onFailure(failure);
    breaker.onFailure(failure);
    breaker.onSuccess(); // resets the count
    breaker.onFailure(failure);
    breaker.onFailure(failure);
    assertThat(breaker.isOpen()).isFalse();
    assertThat(breaker.tryPass()).isTrue();
    breaker.onFailure(failure);
    assertThat(breaker.isOpen()).isTrue();
    assertThat(breaker.tryPass()).isFalse();
  }

  @Test
  void letsExactlyOneProbeThroughPerCoolDown() {
    open();
    clock.addAndGet(99);
    assertThat(breaker.tryPass()).as("cool-down not over").isFalse();
    clock.addAndGet(1);
    assertThat(breaker.tryPass()).as("the probe").isTrue();
    assertThat(breaker.tryPass()).as("only one probe at a time").isFalse();

    breaker.onFailure(failure); // the probe failed: open for another cool-down
    assertThat(breaker.tryPass()).isFalse();
    clock.addAndGet(100);
    assertThat(breaker.tryPass()).isTrue();
    breaker.onSuccess();
    assertThat(breaker.isOpen()).isFalse();
    assertThat(breaker.tryPass()).isTrue();
    assertThat(breaker.tryPass()).isTrue();
  }

  @Test
  void aClosedCircuitNeedsTheFullCountAgain() {
    open();
    clock.addAndGet(100);
    assertThat(breaker.tryPass()).isTrue();
    breaker.onSuccess();
    breaker.onFailure(failure);
    breaker.onFailure(failure);
    assertThat(breaker.isOpen()).isFalse();
  }

  private void open() {
    for (int i = 0; i < 3; i++) {
      breaker.onFailure(failure);
    }
    assertThat(breaker.isOpen()).isTrue();
  }
}
