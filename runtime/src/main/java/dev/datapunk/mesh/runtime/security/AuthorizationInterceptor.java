package dev.datapunk.mesh.runtime.security;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.List;
import java.util.Set;

/**
 * The authorization stage of a {@code @Secured} method: the verified token must carry every
 * required scope, otherwise the call ends with {@code PERMISSION_DENIED} naming the first missing
 * scope. Runs after {@link AuthenticationInterceptor}, which bound the principal.
 */
public final class AuthorizationInterceptor implements ServerInterceptor {

  private final List<String> requiredScopes;

  public AuthorizationInterceptor(Set<String> requiredScopes) {
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
      return Rejections.reject(call, Status.UNAUTHENTICATED.withDescription("missing bearer token"));
    }
    Set<String> granted = principal.scopes();
    for (int i = 0; i < requiredScopes.size(); i++) {
      String scope = requiredScopes.get(i);
      if (!granted.contains(scope)) {
        return Rejections.reject(call, Status.PERMISSION_DENIED.withDescription("token lacks scope " + scope));
      }
    }
    return next.startCall(call, headers);
  }
}
