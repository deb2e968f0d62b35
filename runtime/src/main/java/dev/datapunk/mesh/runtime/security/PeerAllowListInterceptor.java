package dev.datapunk.mesh.runtime.security;

import dev.datapunk.mesh.runtime.chain.CallRejections;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;

/**
 * The identity stage of one method: enforces the server's {@link PeerAllowList}. Denials are told
 * to the method's {@link AuthDecisionListener}; so are passes, when this is the method's last
 * security check (a method without {@code @Secured}) and the list is not empty.
 */
final class PeerAllowListInterceptor implements ServerInterceptor {

  private final PeerAllowList allowList;
  private final AuthDecisionListener listener;
  private final boolean lastCheck;

  PeerAllowListInterceptor(
      PeerAllowList allowList, AuthDecisionListener listener, boolean lastCheck) {
    this.allowList = allowList;
    this.listener = listener;
    this.lastCheck = lastCheck;
  }

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
      ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
    var list = allowList.current();
    if (list.allowsAll()) {
      return next.startCall(call, headers);
    }
    String identity = TransportIdentity.of(call.getAttributes());
    if (!list.allows(identity)) {
      listener.onDecision(AuthDecisionReason.IDENTITY_NOT_ALLOWED, identity, null);
      return CallRejections.reject(
          call, Status.PERMISSION_DENIED.withDescription(PeerAllowList.DENIED_DESCRIPTION));
    }
    if (lastCheck) {
      listener.onDecision(AuthDecisionReason.OK, identity, null);
    }
    return next.startCall(call, headers);
  }
}
