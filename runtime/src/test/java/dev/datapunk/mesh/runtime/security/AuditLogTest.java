package dev.datapunk.mesh.runtime.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The exact text of audit lines, and that nothing in a name can forge a field or a line. */
class AuditLogTest {

  private final List<String> lines = new ArrayList<>();
  private final AuditLog audit =
      new AuditLog(
          Clock.fixed(Instant.parse("2026-11-24T10:15:30.123Z"), ZoneOffset.UTC),
          lines::add,
          false);

  @Test
  void aDenialIsOneLineOfFieldsInAFixedOrder() {
    audit
        .forMethod("pkg.Inventory/PutItem")
        .onDecision(
            AuthDecisionReason.MISSING_SCOPE, "spiffe://mesh.prod/billing", "alice@example.com");
    assertThat(lines)
        .containsExactly(
            "time=2026-11-24T10:15:30.123Z method=pkg.Inventory/PutItem"
                + " peer=spiffe://mesh.prod/billing subject=alice@example.com"
                + " decision=permission_denied reason=missing_scope");
  }

  @Test
  void absentValuesAreADash() {
    audit
        .forMethod("pkg.Inventory/GetItem")
        .onDecision(AuthDecisionReason.BAD_SIGNATURE, null, null);
    assertThat(lines)
        .containsExactly(
            "time=2026-11-24T10:15:30.123Z method=pkg.Inventory/GetItem"
                + " peer=- subject=- decision=unauthenticated reason=bad_signature");
  }

  @Test
  void allowedCallsFollowTheSwitch() {
    AuthDecisionListener listener = audit.forMethod("pkg.Inventory/GetItem");
    listener.onDecision(AuthDecisionReason.OK, "client", "alice");
    assertThat(lines).isEmpty();
    audit.setAuditAllowed(true);
    listener.onDecision(AuthDecisionReason.OK, "client", "alice");
    assertThat(lines)
        .containsExactly(
            "time=2026-11-24T10:15:30.123Z method=pkg.Inventory/GetItem"
                + " peer=client subject=alice decision=allowed reason=ok");
  }

  @Test
  void valuesThatCouldForgeFieldsOrLinesAreQuotedAndEscaped() {
    assertThat(AuditLog.value("CN with space")).isEqualTo("\"CN with space\"");
    assertThat(AuditLog.value("a decision=allowed")).isEqualTo("\"a decision=allowed\"");
    assertThat(AuditLog.value("x\ntime=1 decision=allowed"))
        .isEqualTo("\"x\\ntime=1 decision=allowed\"");
    assertThat(AuditLog.value("q\"uote\\")).isEqualTo("\"q\\\"uote\\\\\"");
    assertThat(AuditLog.value("bell\u0007")).isEqualTo("\"bell\\u0007\"");
    assertThat(AuditLog.value("-")).isEqualTo("\"-\"");
    assertThat(AuditLog.value("")).isEqualTo("\"\"");
    assertThat(AuditLog.value("spiffe://td/ns/a_b-c.d")).isEqualTo("spiffe://td/ns/a_b-c.d");
  }

  @Test
  void everyTokenRejectionMapsToAnUnauthenticatedReasonOfTheSameName() {
    for (TokenRejectedException.Reason reason : TokenRejectedException.Reason.values()) {
      AuthDecisionReason mapped = AuthDecisionReason.of(reason);
      assertThat(mapped.name()).isEqualTo(reason.name());
      assertThat(mapped.decision()).isEqualTo(AuthDecision.UNAUTHENTICATED);
    }
  }
}
