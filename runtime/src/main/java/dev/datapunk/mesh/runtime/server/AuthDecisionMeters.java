package dev.datapunk.mesh.runtime.server;

import dev.datapunk.mesh.runtime.metrics.AuthDecisionMeter;
import dev.datapunk.mesh.runtime.metrics.AuthReason;
import dev.datapunk.mesh.runtime.metrics.MeshMeters;
import dev.datapunk.mesh.runtime.security.AuthDecisionListener;
import dev.datapunk.mesh.runtime.security.AuthDecisionReason;
import java.util.EnumMap;
import java.util.Map;

/**
 * Counts security decisions in {@code mesh.auth.decisions}: the {@link AuthDecisionListener} seam
 * of the security stages joined to the metrics' {@link AuthDecisionMeter}. The two reason enums
 * share their names; the mapping is a table built once, so recording is an {@link EnumMap} read and
 * an increment.
 */
final class AuthDecisionMeters {

  private static final Map<AuthDecisionReason, AuthReason> BY_DECISION_REASON = table();

  private AuthDecisionMeters() {}

  static AuthDecisionListener.Factory of(MeshMeters meters) {
    return method -> {
      AuthDecisionMeter meter = meters.authDecisions(method);
      return (reason, peerIdentity, subject) -> meter.record(BY_DECISION_REASON.get(reason));
    };
  }

  private static Map<AuthDecisionReason, AuthReason> table() {
    Map<AuthDecisionReason, AuthReason> table = new EnumMap<>(AuthDecisionReason.class);
    for (AuthDecisionReason reason : AuthDecisionReason.values()) {
      table.put(reason, AuthReason.valueOf(reason.name()));
    }
    return table;
  }
}
