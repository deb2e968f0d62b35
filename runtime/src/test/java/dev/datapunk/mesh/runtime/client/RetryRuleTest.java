package dev.datapunk.mesh.runtime.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.datapunk.mesh.runtime.chain.RetryLater;
import dev.datapunk.mesh.runtime.client.RetryRule.Decision;
import dev.datapunk.mesh.runtime.client.RetryRule.Reason;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusException;
import java.time.Duration;
import java.util.Optional;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

/** Which failed attempts {@link RetryRule} retries, and how long it waits. */
class RetryRuleTest {

  private static final long MS = 1_000_000L;
  private static final long NO_DEADLINE = Long.MAX_VALUE;
  private static final Metadata NONE = new Metadata();

  private static RetryRule rule(int maxAttempts, Duration maxDelay, double random) {
    return new RetryRule(new ClientSettings.Retry(maxAttempts, maxDelay), () -> random);
  }

  /** What a mesh server's rate limit answers when the next token is {@code millis} away. */
  private static StatusException rateLimited(long millis) {
    return RetryLater.resourceExhausted("rate limit exceeded", millis * MS);
  }

  private static Optional<Decision> decide(
      RetryRule rule, StatusException failure, int attempt, long remaining) {
    return rule.decide(failure.getStatus(), failure.getTrailers(), attempt, true, remaining);
  }

  @Test
  void theAdvertisedDelayIsWaitedWithUpToTwentyPercentMore() {
    assertEquals(
        Optional.of(new Decision(Reason.RETRY_INFO, 300 * MS)),
        decide(rule(3, Duration.ofSeconds(2), 0.0), rateLimited(300), 1, NO_DEADLINE));
    assertEquals(
        Optional.of(new Decision(Reason.RETRY_INFO, 345 * MS)),
        decide(rule(3, Duration.ofSeconds(2), 0.75), rateLimited(300), 1, NO_DEADLINE));
  }

  @Test
  void theJitterNeverGoesPastMaxDelayNorTheWaitBelowTheAdvertisedDelay() {
    assertEquals(
        Optional.of(new Decision(Reason.RETRY_INFO, 2000 * MS)),
        decide(rule(3, Duration.ofSeconds(2), 0.99), rateLimited(1900), 1, NO_DEADLINE));
  }

  @Test
  void aDelayOverMaxDelayIsNotWaitedFor() {
    assertEquals(
        Optional.empty(),
        decide(rule(3, Duration.ofSeconds(2), 0.0), rateLimited(2001), 1, NO_DEADLINE));
  }

  @Test
  void aWaitThatWouldEndPastTheDeadlineIsNotStarted() {
    RetryRule rule = rule(3, Duration.ofSeconds(2), 0.0);
    assertEquals(Optional.empty(), decide(rule, rateLimited(300), 1, 300 * MS));
    assertEquals(
        Optional.of(new Decision(Reason.RETRY_INFO, 300 * MS)),
        decide(rule, rateLimited(300), 1, 301 * MS));
  }

  @Test
  void theLastAttemptIsNotRetried() {
    RetryRule rule = rule(3, Duration.ofSeconds(2), 0.0);
    assertEquals(
        Reason.RETRY_INFO, decide(rule, rateLimited(10), 2, NO_DEADLINE).orElseThrow().reason());
    assertEquals(Optional.empty(), decide(rule, rateLimited(10), 3, NO_DEADLINE));
    assertEquals(
        Optional.empty(),
        decide(rule(1, Duration.ofSeconds(2), 0.0), rateLimited(10), 1, NO_DEADLINE));
  }

  @Test
  void resourceExhaustedWithoutRetryInfoIsNotRetried() {
    RetryRule rule = rule(3, Duration.ofSeconds(2), 0.0);
    assertEquals(
        Optional.empty(),
        rule.decide(
            Status.RESOURCE_EXHAUSTED.withDescription("message too large"),
            NONE,
            1,
            true,
            NO_DEADLINE));
  }

  @Test
  void unavailableBeforeTheRequestLeftBacksOffDoublingWithJitter() {
    RetryRule low = rule(5, Duration.ofMillis(300), 0.0);
    RetryRule high = rule(5, Duration.ofMillis(300), 0.999);
    assertEquals(
        50 * MS,
        low.decide(Status.UNAVAILABLE, NONE, 1, false, NO_DEADLINE).orElseThrow().delayNanos());
    assertEquals(
        99,
        high.decide(Status.UNAVAILABLE, NONE, 1, false, NO_DEADLINE).orElseThrow().delayNanos()
            / MS);
    assertEquals(
        100 * MS,
        low.decide(Status.UNAVAILABLE, NONE, 2, false, NO_DEADLINE).orElseThrow().delayNanos());
    assertEquals(
        150 * MS,
        low.decide(Status.UNAVAILABLE, NONE, 3, false, NO_DEADLINE).orElseThrow().delayNanos(),
        "400 ms capped at max-delay 300 ms, then jittered");
    assertEquals(
        Reason.UNAVAILABLE,
        low.decide(Status.UNAVAILABLE, NONE, 1, false, NO_DEADLINE).orElseThrow().reason());
  }

  @Test
  void unavailableAfterTheRequestLeftIsNotRetried() {
    assertEquals(
        Optional.empty(),
        rule(3, Duration.ofSeconds(2), 0.0).decide(Status.UNAVAILABLE, NONE, 1, true, NO_DEADLINE));
  }

  @Test
  void aTlsFailureIsNotRetried() {
    Status handshake =
        Status.UNAVAILABLE.withCause(
            new RuntimeException(new SSLHandshakeException("bad certificate")));
    assertEquals(
        Optional.empty(),
        rule(3, Duration.ofSeconds(2), 0.0).decide(handshake, NONE, 1, false, NO_DEADLINE));
  }

  @Test
  void otherFailuresAreNotRetried() {
    RetryRule rule = rule(3, Duration.ofSeconds(2), 0.0);
    for (Status.Code code : Status.Code.values()) {
      if (code != Status.Code.OK
          && code != Status.Code.UNAVAILABLE
          && code != Status.Code.RESOURCE_EXHAUSTED) {
        assertEquals(
            Optional.empty(),
            rule.decide(code.toStatus(), NONE, 1, false, NO_DEADLINE),
            code.name());
      }
    }
  }
}
