package dev.datapunk.mesh.runtime.metrics;

import io.micrometer.core.instrument.Counter;
import java.util.EnumMap;
import java.util.Map;

/**
 * Counts the authentication and authorization decisions of one method ({@code
 * mesh.auth.decisions}); every counter exists from bind time, so recording is one {@link EnumMap}
 * read and an increment, with no allocation.
 */
public final class AuthDecisionMeter {

  private final EnumMap<AuthReason, Counter> byReason;

  AuthDecisionMeter(Map<AuthReason, Counter> byReason) {
    this.byReason = new EnumMap<>(byReason);
  }

  /** A call passed authentication and authorization. */
  public void allowed() {
    record(AuthReason.OK);
  }

  /** A decision with {@code reason}; the reason implies the result. */
  public void record(AuthReason reason) {
    byReason.get(reason).increment();
  }
}
