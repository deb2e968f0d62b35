package dev.datapunk.mesh.runtime.security;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;

/**
 * Binds a {@link MeshPrincipal} holding only the mTLS peer identity to calls of methods that need
 * no token, so service code and the rate limiter see who the caller is. Calls without a verified
 * client certificate pass untouched.
 */
public final class TransportIdentityInterceptor implements ServerInterceptor {

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
      ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
    TransportIdentity identity = TransportIdentity.ofCall(call.getAttributes());
    if (identity == null) {
      return next.startCall(call, headers);
    }
    MeshPrincipal principal =
        new MeshPrincipal(
            identity, null, call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR));
    return Contexts.interceptCall(
        Context.current().withValue(MeshPrincipal.CONTEXT_KEY, principal), call, headers, next);
  }
}
