package dev.datapunk.mesh.runtime.security;

import dev.datapunk.mesh.runtime.chain.CallRejections;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.Objects;

/**
 * The authentication stage of a {@code @Secured} method: the call must carry exactly one {@code
 * authorization: Bearer <token>} header whose token verifies; otherwise it ends with {@code
 * UNAUTHENTICATED} and a few words naming the failed rule, never the token. On success the {@link
 * MeshPrincipal} (transport identity, token and the header it was verified from, for forwarding) is
 * bound to the call's context.
 *
 * <p>The header is read as the bytes the transport received ({@link AuthorizationHeader}) and the
 * token verified in place ({@link TokenVerifier#verifyAscii}), so a cached token costs no copy.
 *
 * <p>Each rejection is told to the method's {@link AuthDecisionListener}; a success is not (the
 * authorization stage that follows decides).
 */
public final class AuthenticationInterceptor implements ServerInterceptor {

  private final TokenVerifier verifier;
  private final AuthDecisionListener listener;

  /** Verifies with {@code verifier}; tells no one about rejections. */
  public AuthenticationInterceptor(TokenVerifier verifier) {
    this(verifier, AuthDecisionListener.NONE);
  }

  /** Verifies with {@code verifier} and tells {@code listener} (this method's) each rejection. */
  public AuthenticationInterceptor(TokenVerifier verifier, AuthDecisionListener listener) {
    this.verifier = Objects.requireNonNull(verifier, "verifier");
    this.listener = Objects.requireNonNull(listener, "listener");
  }

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
      ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
    byte[] header;
    VerifiedToken token;
    try {
      header = AuthorizationHeader.bearerValue(headers);
      token = AuthorizationHeader.verify(header, verifier);
    } catch (TokenRejectedException e) {
      listener.onDecision(
          AuthDecisionReason.of(e.reason()), TransportIdentity.of(call.getAttributes()), null);
      return CallRejections.reject(
          call, Status.UNAUTHENTICATED.withDescription(e.reason().description()));
    }
    MeshPrincipal principal =
        new MeshPrincipal(
            TransportIdentity.ofCall(call.getAttributes()),
            token,
            call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR),
            header);
    Context context = Context.current().withValue(MeshPrincipal.CONTEXT_KEY, principal);
    return Contexts.interceptCall(context, call, headers, next);
  }
}
