package dev.datapunk.mesh.runtime.server;

import dev.datapunk.mesh.runtime.metrics.AuthDecisionMeter;
import dev.datapunk.mesh.runtime.metrics.AuthReason;
import dev.datapunk.mesh.runtime.metrics.MeshMeters;
import dev.datapunk.mesh.runtime.security.AuthDecisionListener;
import dev.datapunk.mesh.runtime.security.AuthDecisionReason;

/**
 * Counts security decisions in {@code mesh.auth.decisions}: the {@link AuthDecisionListener} seam
 * of the security stages joined to the metrics' {@link AuthDecisionMeter}. The two reason enums
 * share their names; the mapping is a table built once, so recording is an array read and an
 * increment.
 */
final class AuthDecisionMeters {

  private static final AuthReason[] BY_DECISION_REASON = table();

  private AuthDecisionMeters() {}

  static AuthDecisionListener.Factory of(MeshMeters meters) {
    return method -> {
      AuthDecisionMeter meter = meters.authDecisions(method);
      return (reason, peerIdentity, subject) -> meter.record(BY_DECISION_REASON[reason.ordinal()]);
    };
  }

  private static AuthReason[] table() {
    AuthDecisionReason[] reasons = AuthDecisionReason.values();
    AuthReason[] table = new AuthReason[reasons.length];
    for (AuthDecisionReason reason : reasons) {
      table[reason.ordinal()] = AuthReason.valueOf(reason.name());
    }
    return table;
  }
}
