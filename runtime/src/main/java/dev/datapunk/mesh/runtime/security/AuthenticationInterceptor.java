package dev.datapunk.mesh.runtime.security;

import dev.datapunk.mesh.runtime.chain.CallRejections;
import dev.datapunk.mesh.runtime.security.TokenRejectedException.Reason;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.Iterator;
import java.util.Objects;

/**
 * The authentication stage of a {@code @Secured} method: the call must carry exactly one {@code
 * authorization: Bearer <token>} header whose token verifies; otherwise it ends with {@code
 * UNAUTHENTICATED} and a few words naming the failed rule, never the token. On success the
 * {@link MeshPrincipal} (transport identity and token) is bound to the call's context.
 *
 * <p>Each rejection is told to the method's {@link AuthDecisionListener}; a success is not (the
 * authorization stage that follows decides).
 */
public final class AuthenticationInterceptor implements ServerInterceptor {

  static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
  private static final String BEARER = "bearer ";

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
    VerifiedToken token;
    try {
      String value = bearerHeader(headers);
      int start = tokenStart(value);
      token = verifier.verify(value, start, tokenEnd(value, start));
    } catch (TokenRejectedException e) {
      listener.onDecision(AuthDecisionReason.of(e.reason()), TransportIdentity.of(call.getAttributes()), null);
      return CallRejections.reject(call, Status.UNAUTHENTICATED.withDescription(e.reason().description()));
    }
    MeshPrincipal principal = new MeshPrincipal(
        TransportIdentity.ofCall(call.getAttributes()), token, call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR));
    Context context = Context.current().withValue(MeshPrincipal.CONTEXT_KEY, principal);
    return Contexts.interceptCall(context, call, headers, next);
  }

  /** The token of the single {@code authorization} header, whose scheme must be Bearer (any case). */
  static String bearerToken(Metadata headers) throws TokenRejectedException {
    String value = bearerHeader(headers);
    int start = tokenStart(value);
    return value.substring(start, tokenEnd(value, start));
  }

  /**
   * The value of the single {@code authorization} header, checked to start with the Bearer scheme
   * (any case) and to carry a non-blank token after it.
   */
  private static String bearerHeader(Metadata headers) throws TokenRejectedException {
    Iterable<String> values = headers.getAll(AUTHORIZATION);
    if (values == null) {
      throw new TokenRejectedException(Reason.MISSING);
    }
    Iterator<String> iterator = values.iterator();
    String value = iterator.next();
    if (iterator.hasNext()) {
      throw new TokenRejectedException(Reason.MALFORMED);
    }
    if (!value.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      throw new TokenRejectedException(Reason.MISSING);
    }
    int start = tokenStart(value);
    if (start == tokenEnd(value, start)) {
      throw new TokenRejectedException(Reason.MISSING);
    }
    return value;
  }

  /** Where the token starts: after the scheme and any whitespace ({@link String#strip()}'s rule). */
  private static int tokenStart(String value) {
    int start = BEARER.length();
    while (start < value.length() && Character.isWhitespace(value.charAt(start))) {
      start++;
    }
    return start;
  }

  /** Where the token ends: before any trailing whitespace. */
  private static int tokenEnd(String value, int start) {
    int end = value.length();
    while (end > start && Character.isWhitespace(value.charAt(end - 1))) {
      end--;
    }
    return end;
  }
}
