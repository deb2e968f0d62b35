package dev.datapunk.mesh.runtime.metrics;

import io.micrometer.core.instrument.Counter;

/**
 * Counts the authentication and authorization decisions of one method ({@code
 * mesh.auth.decisions}); every counter exists from bind time, so recording is one array read and an
 * increment, with no lookup and no allocation.
 */
public final class AuthDecisionMeter {

  private final Counter[] byReason;

  AuthDecisionMeter(Counter[] byReason) {
    this.byReason = byReason;
  }

  /** A call passed authentication and authorization. */
  public void allowed() {
    byReason[AuthReason.OK.ordinal()].increment();
  }

  /** A decision with {@code reason}; the reason implies the result. */
  public void record(AuthReason reason) {
    byReason[reason.ordinal()].increment();
  }
}
