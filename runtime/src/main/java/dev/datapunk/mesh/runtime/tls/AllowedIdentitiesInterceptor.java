package dev.datapunk.mesh.runtime.tls;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends a call with {@code PERMISSION_DENIED} ("client identity not allowed") before any service
 * code runs when the caller's {@link PeerIdentity} is not in the current {@link
 * AllowedIdentities}. With the empty list every call passes untouched.
 *
 * <p>The list can be replaced at any time ({@link #update(AllowedIdentities)}); each call uses the
 * list current when it starts. Without TLS there is no peer identity, so a non-empty list denies
 * every call.
 */
public final class AllowedIdentitiesInterceptor implements ServerInterceptor {

  /** The status description sent to a denied client. */
  public static final String DENIED_DESCRIPTION = "client identity not allowed";

  private static final Logger log = LoggerFactory.getLogger("dev.datapunk.mesh.runtime.tls");

  private volatile AllowedIdentities allowed;

  /** Starts with {@code initial}. */
  public AllowedIdentitiesInterceptor(AllowedIdentities initial) {
    this.allowed = Objects.requireNonNull(initial, "initial");
  }

  /** Uses {@code next} for every call that starts from now on. */
  public void update(AllowedIdentities next) {
    this.allowed = Objects.requireNonNull(next, "next");
  }

  /** The list in force. */
  public AllowedIdentities current() {
    return allowed;
  }

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(ServerCall<ReqT, RespT> call,
      Metadata headers, ServerCallHandler<ReqT, RespT> next) {
    AllowedIdentities list = allowed;
    if (list.allowsAll()) {
      return next.startCall(call, headers);
    }
    Optional<String> identity = PeerIdentity.of(call.getAttributes());
    if (list.allows(identity.orElse(null))) {
      return next.startCall(call, headers);
    }
    if (log.isDebugEnabled()) {
      log.debug("Denied {} to client identity {}", call.getMethodDescriptor().getFullMethodName(),
          identity.orElse("(none)"));
    }
    call.close(Status.PERMISSION_DENIED.withDescription(DENIED_DESCRIPTION), new Metadata());
    return new ServerCall.Listener<>() {};
  }
}
