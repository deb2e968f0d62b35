package dev.datapunk.mesh.runtime.client;

import dev.datapunk.mesh.runtime.security.MeshPrincipal;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall.SimpleForwardingClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import java.util.function.Supplier;

/**
 * Puts {@code authorization: Bearer <token>} on each call, unless the call already carries an
 * {@code authorization} header of its own. The token is read when the call is created, on the
 * caller's thread: for {@link #forwarded()} that is the thread running the server call whose
 * verified token is passed on.
 */
final class BearerToken implements ClientInterceptor {

  static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  private final Supplier<String> token;

  /** Sends what {@code token} returns at each call; nothing when it returns {@code null}. */
  BearerToken(Supplier<String> token) {
    this.token = token;
  }

  /**
   * The bearer token the mesh verified on the server call the client call is made in ({@link
   * MeshPrincipal#bearerToken()}); none outside a server call and on methods that need no token.
   */
  static BearerToken forwarded() {
    return new BearerToken(
        () -> {
          MeshPrincipal caller = MeshPrincipal.currentOrNull();
          return caller == null ? null : caller.bearerToken().orElse(null);
        });
  }

  @Override
  public <ReqT, RespT> ClientCall<ReqT, RespT> interceptCall(
      MethodDescriptor<ReqT, RespT> method, CallOptions callOptions, Channel next) {
    String bearer = token.get();
    ClientCall<ReqT, RespT> call = next.newCall(method, callOptions);
    if (bearer == null) {
      return call;
    }
    return new SimpleForwardingClientCall<>(call) {
      @Override
      public void start(Listener<RespT> responseListener, Metadata headers) {
        if (!headers.containsKey(AUTHORIZATION)) {
          headers.put(AUTHORIZATION, "Bearer " + bearer);
        }
        super.start(responseListener, headers);
      }
    };
  }
}
