package dev.datapunk.mesh.runtime.security;

import dev.datapunk.mesh.runtime.chain.CallRejections;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The authorization stage of a {@code @Secured} method: the verified token must carry every
 * required scope, otherwise the call ends with {@code PERMISSION_DENIED} naming the first missing
 * scope. Runs after {@link AuthenticationInterceptor}, which bound the principal.
 *
 * <p>It is the last security check of the method, so it tells the method's {@link
 * AuthDecisionListener} both outcomes: {@link AuthDecisionReason#MISSING_SCOPE} and {@link
 * AuthDecisionReason#OK}.
 */
public final class AuthorizationInterceptor implements ServerInterceptor {

  private final List<String> requiredScopes;
  private final AuthDecisionListener listener;

  /** Requires every one of {@code requiredScopes}; tells no one about decisions. */
  public AuthorizationInterceptor(Set<String> requiredScopes) {
    this(requiredScopes, AuthDecisionListener.NONE);
  }

  /** Requires every one of {@code requiredScopes} and tells {@code listener} each decision. */
  public AuthorizationInterceptor(Set<String> requiredScopes, AuthDecisionListener listener) {
    this.listener = Objects.requireNonNull(listener, "listener");
    if (requiredScopes.isEmpty()) {
      throw new IllegalArgumentException("a secured method needs at least one scope");
    }
    this.requiredScopes = List.copyOf(requiredScopes);
  }

  /** The scopes a token must all carry. */
  public List<String> requiredScopes() {
    return requiredScopes;
  }

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
      ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
    MeshPrincipal principal = MeshPrincipal.currentOrNull();
    if (principal == null || principal.token().isEmpty()) {
      // Only reachable if the chain were assembled without authentication: fail closed.
      listener.onDecision(
          AuthDecisionReason.MISSING,
          principal == null ? null : principal.transportIdentityOrNull(),
          null);
      return CallRejections.reject(
          call, Status.UNAUTHENTICATED.withDescription("missing bearer token"));
    }
    Set<String> granted = principal.scopes();
    for (int i = 0; i < requiredScopes.size(); i++) {
      String scope = requiredScopes.get(i);
      if (!granted.contains(scope)) {
        listener.onDecision(
            AuthDecisionReason.MISSING_SCOPE,
            principal.transportIdentityOrNull(),
            principal.subjectOrNull());
        return CallRejections.reject(
            call, Status.PERMISSION_DENIED.withDescription("token lacks scope " + scope));
      }
    }
    listener.onDecision(
        AuthDecisionReason.OK, principal.transportIdentityOrNull(), principal.subjectOrNull());
    return next.startCall(call, headers);
  }
}
