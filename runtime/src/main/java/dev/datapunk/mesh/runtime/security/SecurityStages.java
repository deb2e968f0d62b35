package dev.datapunk.mesh.runtime.security;

import dev.datapunk.mesh.runtime.chain.CallStage;
import dev.datapunk.mesh.runtime.policy.MethodPolicy;
import io.grpc.ServerInterceptor;

/** The authentication and authorization stages of the per-call chain. */
public final class SecurityStages {

  private SecurityStages() {}

  /**
   * Authentication: {@code @Secured} methods verify the bearer token; other methods, when the
   * transport can carry a client certificate, only bind the peer identity.
   */
  public static CallStage authentication(TokenVerifier verifier, boolean transportIdentities) {
    AuthenticationInterceptor authenticate = new AuthenticationInterceptor(verifier);
    TransportIdentityInterceptor identify = transportIdentities ? new TransportIdentityInterceptor() : null;
    return policy -> policy.isSecured() ? authenticate : identify;
  }

  /** Authorization: {@code @Secured} methods check the token's scopes. */
  public static CallStage authorization() {
    return SecurityStages::authorizationFor;
  }

  private static ServerInterceptor authorizationFor(MethodPolicy policy) {
    return policy.isSecured() ? new AuthorizationInterceptor(policy.requiredScopes()) : null;
  }
}
