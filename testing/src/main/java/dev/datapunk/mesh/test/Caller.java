package dev.datapunk.mesh.test;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.stub.AbstractStub;
import io.grpc.stub.MetadataUtils;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Who calls a {@link MeshTestServer}, as the server will see it: the peer identity of its
 * connection (what an mTLS client certificate names), the bearer token it sends, and the deadline
 * its calls get when they set none. Immutable: each {@code with...} returns a new caller.
 *
 * <pre>{@code
 * var reader = mesh.withToken(mesh.token("alice", "inventory:read"))
 *     .stub(InventoryServiceGrpc::newBlockingStub);
 * var bob = mesh.withPeer("spiffe://example.org/bob").stub(InventoryServiceGrpc::newBlockingStub);
 * }</pre>
 *
 * <p>Callers with the same peer share one in-process connection, as calls of one client share its
 * TLS connection; the token is a header of each call, as in production.
 */
public final class Caller {

  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  private final MeshTestServer mesh;
  private final Optional<String> peer;
  private final String token;
  private final Duration deadline;

  Caller(MeshTestServer mesh, Optional<String> peer, String token, Duration deadline) {
    this.mesh = mesh;
    this.peer = peer;
    this.token = token;
    this.deadline = deadline;
  }

  /** This caller sending {@code authorization: Bearer token} with every call. */
  public Caller withToken(String token) {
    Objects.requireNonNull(token, "token");
    return new Caller(mesh, peer, token, deadline);
  }

  /**
   * This caller connected as {@code identity}: the server sees a verified client certificate naming
   * it (as its URI SAN when it starts with {@code spiffe://}, else as its subject CN). Needs {@code
   * tls.mode=mtls}.
   */
  public Caller withPeer(String identity) {
    Objects.requireNonNull(identity, "identity");
    if (identity.isBlank()) {
      throw new IllegalArgumentException("a peer identity must not be blank");
    }
    return new Caller(mesh, Optional.of(identity), token, deadline);
  }

  /** This caller giving its calls {@code deadline} when they set none. */
  public Caller withDeadline(Duration deadline) {
    Objects.requireNonNull(deadline, "deadline");
    if (deadline.isNegative() || deadline.isZero()) {
      throw new IllegalArgumentException("deadline must be positive (was " + deadline + ")");
    }
    return new Caller(mesh, peer, token, deadline);
  }

  /** A channel making this caller's calls. */
  public Channel channel() {
    List<ClientInterceptor> interceptors = new ArrayList<>();
    interceptors.add(new DefaultDeadline(deadline));
    if (token != null) {
      Metadata headers = new Metadata();
      headers.put(AUTHORIZATION, "Bearer " + token);
      interceptors.add(MetadataUtils.newAttachHeadersInterceptor(headers));
    }
    return ClientInterceptors.intercept(mesh.channelFor(peer), interceptors);
  }

  /** A stub on {@link #channel()}, e.g. {@code stub(InventoryServiceGrpc::newBlockingStub)}. */
  public <S extends AbstractStub<S>> S stub(Function<? super Channel, S> newStub) {
    return newStub.apply(channel());
  }

  @Override
  public String toString() {
    return "Caller[peer="
        + peer.orElse("none")
        + ", token="
        + (token == null ? "none" : "set")
        + "]";
  }

  /** Gives a call without a deadline of its own one {@code deadline} from its start. */
  private static final class DefaultDeadline implements ClientInterceptor {
    private final long nanos;

    DefaultDeadline(Duration deadline) {
      this.nanos = deadline.toNanos();
    }

    @Override
    public <ReqT, RespT> ClientCall<ReqT, RespT> interceptCall(
        MethodDescriptor<ReqT, RespT> method, CallOptions callOptions, Channel next) {
      CallOptions options =
          callOptions.getDeadline() == null
              ? callOptions.withDeadlineAfter(nanos, TimeUnit.NANOSECONDS)
              : callOptions;
      return next.newCall(method, options);
    }
  }
}
