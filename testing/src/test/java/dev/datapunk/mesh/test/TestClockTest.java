package dev.datapunk.mesh.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class TestClockTest {

  private static final Instant START = Instant.parse("2026-01-02T03:04:05Z");

  @Test
  void bothReadingsStandStillUntilAdvancedAndThenMoveTogether() {
    TestClock clock = new TestClock(START);
    long nanos = clock.nanoTime();
    assertThat(clock.instant()).isEqualTo(START);
    assertThat(clock.nanoTime()).isEqualTo(nanos);

    clock.advance(Duration.ofMillis(1500));
    assertThat(clock.nanoTime() - nanos).isEqualTo(1_500_000_000L);
    assertThat(clock.instant()).isEqualTo(START.plusMillis(1500));
    assertThat(clock.elapsed()).isEqualTo(Duration.ofMillis(1500));
    assertThat(clock.withZone(ZoneId.of("Europe/Berlin")).instant())
        .isEqualTo(START.plusMillis(1500));
  }

  @Test
  void itNeverGoesBack() {
    TestClock clock = new TestClock(START);
    assertThatThrownBy(() -> clock.advance(Duration.ofNanos(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("never goes back");
    assertThat(clock.instant()).isEqualTo(START);
  }
}
