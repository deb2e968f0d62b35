package dev.datapunk.mesh.runtime.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.datapunk.mesh.runtime.security.TokenRejectedException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The decision meters the security and rate-limit stages record into. */
class MeshMetersTest {

  private static final String METHOD = "pkg.Service/Get";

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final MeshMeters meters = new MeshMeters(registry);

  @Test
  void authCountersAreRegisteredAtBindTimeAndRecordUnderResultAndReason() {
    AuthDecisionMeter meter = meters.authDecisions(METHOD);
    assertThat(registry.find(MeshMeters.AUTH_DECISIONS).counters())
        .hasSize(AuthReason.values().length);

    meter.allowed();
    meter.allowed();
    meter.record(AuthReason.EXPIRED);
    meter.record(AuthReason.MISSING_SCOPE);

    assertThat(authCount("allowed", "ok")).isEqualTo(2);
    assertThat(authCount("unauthenticated", "expired")).isEqualTo(1);
    assertThat(authCount("permission_denied", "missing_scope")).isEqualTo(1);
    assertThat(authCount("unauthenticated", "missing")).isZero();
    assertThat(registry.find(MeshMeters.AUTH_DECISIONS).counters())
        .hasSize(AuthReason.values().length);
  }

  @Test
  void everyTokenRejectionReasonHasAnUnauthenticatedAuthReasonOfTheSameName() {
    for (TokenRejectedException.Reason reason : TokenRejectedException.Reason.values()) {
      AuthReason mapped = AuthReason.valueOf(reason.name());
      assertThat(mapped.result()).as(reason.name()).isEqualTo("unauthenticated");
    }
    assertThat(Arrays.stream(AuthReason.values()).map(AuthReason::tag))
        .allMatch(tag -> tag.matches("[a-z_]+"));
  }

  @Test
  void rateLimitCountersGaugeAndFallback() {
    RateLimitDecisionMeter local = meters.rateLimitDecisions(METHOD, "local");
    local.allowed();
    local.rejected();
    local.rejected();
    meters.rateLimitDecisions(METHOD, "local").allowed();
    assertThat(
            registry
                .get(MeshMeters.RATELIMIT_DECISIONS)
                .tags("method", METHOD, "result", "allowed", "backend", "local")
                .counter()
                .count())
        .isEqualTo(2);
    assertThat(
            registry
                .get(MeshMeters.RATELIMIT_DECISIONS)
                .tags("result", "rejected")
                .counter()
                .count())
        .isEqualTo(2);

    AtomicLong clients = new AtomicLong(7);
    meters.rateLimitClients("redis", clients, AtomicLong::doubleValue);
    clients.set(42);
    assertThat(registry.get(MeshMeters.RATELIMIT_CLIENTS).tag("backend", "redis").gauge().value())
        .isEqualTo(42);

    meters.rateLimitFallback("redis").increment();
    assertThat(
            registry.get(MeshMeters.RATELIMIT_FALLBACK).tag("backend", "redis").counter().count())
        .isEqualTo(1);
  }

  @Test
  void onlyMethodNamesAndBackendNamesBecomeTags() {
    assertThrows(IllegalArgumentException.class, () -> meters.authDecisions("10.0.0.1:443"));
    assertThrows(IllegalArgumentException.class, () -> meters.authDecisions("no-slash"));
    assertThrows(
        IllegalArgumentException.class, () -> meters.rateLimitDecisions(METHOD, "Client 42"));
    assertThrows(IllegalArgumentException.class, () -> meters.rateLimitFallback(null));
  }

  private double authCount(String result, String reason) {
    return registry
        .get(MeshMeters.AUTH_DECISIONS)
        .tags("method", METHOD, "result", result, "reason", reason)
        .counter()
        .count();
  }
}
