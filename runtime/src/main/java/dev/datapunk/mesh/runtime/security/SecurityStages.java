package dev.datapunk.mesh.runtime.security;

import dev.datapunk.mesh.runtime.chain.CallStage;
import dev.datapunk.mesh.runtime.policy.MethodPolicy;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The security stages of the per-call chain, in their order: the identity allow list, then
 * authentication, then authorization.
 *
 * <p>Every stage that reports decisions takes the same {@link AuthDecisionListener.Factory}; pass
 * one {@link #oncePerMethod memoized} factory to all of them so a method has one listener.
 */
public final class SecurityStages {

  private SecurityStages() {}

  /**
   * The identity stage: on every method, calls from a peer identity outside {@code allowList} end
   * with {@code PERMISSION_DENIED} before authentication runs.
   */
  public static CallStage identityAllowList(
      PeerAllowList allowList, AuthDecisionListener.Factory listeners) {
    Objects.requireNonNull(allowList, "allowList");
    Objects.requireNonNull(listeners, "listeners");
    return policy ->
        new PeerAllowListInterceptor(
            allowList, listeners.forMethod(policy.fullMethodName()), !policy.isSecured());
  }

  /**
   * Authentication: {@code @Secured} methods verify the bearer token; other methods, when the
   * transport can carry a client certificate, only bind the peer identity. Decisions go nowhere.
   */
  public static CallStage authentication(TokenVerifier verifier, boolean transportIdentities) {
    return authentication(verifier, transportIdentities, AuthDecisionListener.Factory.NONE);
  }

  /** Authentication, telling each method's listener about rejected tokens. */
  public static CallStage authentication(
      TokenVerifier verifier, boolean transportIdentities, AuthDecisionListener.Factory listeners) {
    Objects.requireNonNull(verifier, "verifier");
    Objects.requireNonNull(listeners, "listeners");
    TransportIdentityInterceptor identify =
        transportIdentities ? new TransportIdentityInterceptor() : null;
    return policy ->
        policy.isSecured()
            ? new AuthenticationInterceptor(verifier, listeners.forMethod(policy.fullMethodName()))
            : identify;
  }

  /** Authorization: {@code @Secured} methods check the token's scopes. Decisions go nowhere. */
  public static CallStage authorization() {
    return authorization(AuthDecisionListener.Factory.NONE);
  }

  /** Authorization, telling each method's listener about both outcomes. */
  public static CallStage authorization(AuthDecisionListener.Factory listeners) {
    Objects.requireNonNull(listeners, "listeners");
    return policy -> authorizationFor(policy, listeners);
  }

  /**
   * {@code factory}, asked at most once per method name: the stages of one method then share one
   * listener (and its meters). Only for bind time; thread-safe.
   */
  public static AuthDecisionListener.Factory oncePerMethod(AuthDecisionListener.Factory factory) {
    Objects.requireNonNull(factory, "factory");
    ConcurrentHashMap<String, AuthDecisionListener> made = new ConcurrentHashMap<>();
    return method -> made.computeIfAbsent(method, factory::forMethod);
  }

  private static AuthorizationInterceptor authorizationFor(
      MethodPolicy policy, AuthDecisionListener.Factory listeners) {
    return policy.isSecured()
        ? new AuthorizationInterceptor(
            policy.requiredScopes(), listeners.forMethod(policy.fullMethodName()))
        : null;
  }
}
