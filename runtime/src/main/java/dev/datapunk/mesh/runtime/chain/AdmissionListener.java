package dev.datapunk.mesh.runtime.chain;

/**
 * Told whether a limiting stage (the rate limit, the adaptive concurrency limit) admitted each call
 * of one RPC method: the seam through which the tracing stage sees their decisions.
 *
 * <p>A {@link Factory} creates one listener per method when services are bound, so a listener knows
 * its method without being told on every call. The stage calls {@link #onAdmission} on the call
 * path, once per call it decides on, before the call goes on or is refused.
 *
 * <p>Implementations must be thread-safe and fast, must not throw, and must not allocate when they
 * record nothing.
 */
@FunctionalInterface
public interface AdmissionListener {

  /** Ignores every decision. */
  AdmissionListener NONE = (admitted, retryAfterNanos) -> {};

  /**
   * One decision.
   *
   * @param admitted whether the call goes on
   * @param retryAfterNanos for a refused call, the retry delay the client is told; 0 for an
   *     admitted one
   */
  void onAdmission(boolean admitted, long retryAfterNanos);

  /** Creates the listener of each method, once, at bind time. */
  @FunctionalInterface
  interface Factory {

    /** No listener for any method. */
    Factory NONE = method -> AdmissionListener.NONE;

    /**
     * The listener of the method named {@code fullMethodName} (e.g. {@code pkg.Service/Method}).
     */
    AdmissionListener forMethod(String fullMethodName);
  }
}
