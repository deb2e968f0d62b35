package dev.datapunk.mesh.runtime.security;

import java.util.List;

/**
 * Told about each security decision of one RPC method: the seam through which the audit log ({@link
 * AuditLog}) and the decision meters observe the security stages.
 *
 * <p>A {@link Factory} creates one listener per method when services are bound, so a listener knows
 * its method without being told on every call. The stages call {@link #onDecision} on the call
 * path, once per call that reaches a decision:
 *
 * <ul>
 *   <li>a denial by the identity allow list, the authentication or the authorization stage;
 *   <li>{@link AuthDecisionReason#OK} once the last security check of the method passed: the scope
 *       check of a {@code @Secured} method, or the allow-list check of another method while {@code
 *       tls.allowed-identities} is not empty. Methods with no check at all report nothing.
 * </ul>
 *
 * <p>Implementations must be thread-safe, fast and must not allocate on the allowed path when they
 * do not record it: the arguments are values the stages hold anyway, never built for the listener.
 * They must not throw.
 */
@FunctionalInterface
public interface AuthDecisionListener {

  /** Ignores every decision. */
  AuthDecisionListener NONE = (reason, peerIdentity, subject) -> {};

  /**
   * One decision.
   *
   * @param reason why; {@link AuthDecisionReason#decision()} says allowed or which denial
   * @param peerIdentity the verified mTLS peer identity, or {@code null} without one
   * @param subject the subject of the verified token, or {@code null} when no token was verified (a
   *     rejected token's claims are never trusted, so never reported)
   */
  void onDecision(AuthDecisionReason reason, String peerIdentity, String subject);

  /** Creates the listener of each method, once, at bind time. */
  @FunctionalInterface
  interface Factory {

    /** No listener for any method. */
    Factory NONE = method -> AuthDecisionListener.NONE;

    /**
     * The listener of the method named {@code fullMethodName} (e.g. {@code pkg.Service/Method}).
     */
    AuthDecisionListener forMethod(String fullMethodName);

    /** A factory whose listeners tell each of {@code factories}' listeners, in order. */
    static Factory all(List<Factory> factories) {
      List<Factory> copy = List.copyOf(factories);
      if (copy.isEmpty()) {
        return NONE;
      }
      if (copy.size() == 1) {
        return copy.get(0);
      }
      return method -> {
        AuthDecisionListener[] listeners = new AuthDecisionListener[copy.size()];
        for (int i = 0; i < listeners.length; i++) {
          listeners[i] = copy.get(i).forMethod(method);
        }
        return (reason, peerIdentity, subject) -> {
          for (AuthDecisionListener listener : listeners) {
            listener.onDecision(reason, peerIdentity, subject);
          }
        };
      };
    }
  }
}
