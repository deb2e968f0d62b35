package dev.datapunk.mesh.bench.redis;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Counts, on a real {@code redis-server}, the commands each Redis limiter sends per decision: the
 * claim behind the Redis benchmark (ours one round trip, Bucket4j's Lettuce proxy at least two).
 */
class RoundTripsTest {

  @Test
  void oursSendsExactlyOneEvalshaPerDecisionAndAdmitsEveryCall() {
    RoundTrips ours = RoundTrips.measure(RedisLimiter.Kind.MESH, 50, 500);

    assertThat(ours.admitted()).isEqualTo(500);
    assertThat(ours.perCommand()).containsOnlyKeys("evalsha");
    assertThat(ours.commandsPerDecision()).isEqualTo(1.0);
  }

  @Test
  void bucket4jLettuceSendsAtLeastTwoCommandsPerDecision() {
    RoundTrips bucket4j = RoundTrips.measure(RedisLimiter.Kind.BUCKET4J, 50, 500);

    assertThat(bucket4j.admitted()).isEqualTo(500);
    assertThat(bucket4j.commandsPerDecision()).isGreaterThanOrEqualTo(2.0);
  }
}
