package dev.datapunk.mesh.runtime.client;

import dev.datapunk.mesh.runtime.MeshApplication;
import dev.datapunk.mesh.runtime.MeshBinding;
import dev.datapunk.mesh.runtime.policy.MethodPolicy;
import dev.datapunk.mesh.runtime.security.MeshPrincipal;
import dev.datapunk.mesh.runtime.security.jwt.DevSigningKey;
import dev.datapunk.mesh.runtime.security.jwt.DevTokenRequest;
import dev.datapunk.mesh.runtime.security.jwt.DevTokens;
import dev.datapunk.mesh.runtime.server.MeshServer;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.grpc.testing.protobuf.SimpleRequest;
import io.grpc.testing.protobuf.SimpleResponse;
import io.grpc.testing.protobuf.SimpleServiceGrpc;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A mesh server that mesh clients call in these tests, started as the generated bootstrap starts it
 * (development PKI and signing key in the working directory, real Netty on 127.0.0.1), recording
 * what each call that reached its service carried.
 *
 * <p>SimpleService's {@code UnaryRpc} needs scope {@code read} and answers the token's subject; a
 * request message {@code status:CODE} makes it fail with that status instead. {@code
 * ServerStreamingRpc} is {@code @Public} and answers once.
 */
final class Downstream implements AutoCloseable {

  static final MethodPolicy UNARY =
      MethodPolicy.builder(SimpleServiceGrpc.getUnaryRpcMethod()).requireScopes("read").build();
  static final MethodPolicy PUBLIC =
      MethodPolicy.builder(SimpleServiceGrpc.getServerStreamingRpcMethod()).publicAccess().build();

  /**
   * What one call brought to the service.
   *
   * @param deadline the time left until the call's deadline when it arrived, if it had one
   * @param subject the verified token's subject, if any
   * @param authorization whether an {@code authorization} header arrived
   */
  record Seen(
      String method,
      Optional<Duration> deadline,
      Optional<String> subject,
      boolean authorization) {}

  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  private final Path dir;
  private final MeshServer server;
  private final List<Seen> seen;

  private Downstream(Path dir, MeshServer server, List<Seen> seen) {
    this.dir = dir;
    this.server = server;
    this.seen = seen;
  }

  /**
   * Starts in {@code dir} with {@code args} after loopback, an ephemeral port (unless {@code args}
   * name one) and no metrics endpoint.
   */
  static Downstream start(Path dir, String... args) {
    List<Seen> seen = new CopyOnWriteArrayList<>();
    List<String> all =
        new ArrayList<>(
            List.of("--server.host=127.0.0.1", "--metrics.port=0", "--server.shutdown-grace=1s"));
    if (List.of(args).stream().noneMatch(arg -> arg.startsWith("--server.port="))) {
      all.add("--server.port=0");
    }
    all.addAll(List.of(args));
    MeshServer server =
        MeshApplication.start(all.toArray(String[]::new), List.of(binding(seen)), Map.of(), dir);
    return new Downstream(dir, server, seen);
  }

  private static MeshBinding binding(List<Seen> seen) {
    ServerInterceptor recorder =
        new ServerInterceptor() {
          @Override
          public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
              ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
            Deadline deadline = Context.current().getDeadline();
            seen.add(
                new Seen(
                    call.getMethodDescriptor().getBareMethodName(),
                    Optional.ofNullable(deadline)
                        .map(d -> Duration.ofNanos(d.timeRemaining(TimeUnit.NANOSECONDS))),
                    MeshPrincipal.current().flatMap(MeshPrincipal::subject),
                    headers.containsKey(AUTHORIZATION)));
            return next.startCall(call, headers);
          }
        };
    ServerServiceDefinition definition =
        ServerInterceptors.intercept(new Service().bindService(), recorder);
    return new MeshBinding() {
      @Override
      public ServerServiceDefinition bindService() {
        return definition;
      }

      @Override
      public List<MethodPolicy> policies() {
        return List.of(
            UNARY,
            PUBLIC,
            MethodPolicy.builder(SimpleServiceGrpc.getClientStreamingRpcMethod())
                .requireScopes("read")
                .build(),
            MethodPolicy.builder(SimpleServiceGrpc.getBidiStreamingRpcMethod())
                .requireScopes("read")
                .build());
      }
    };
  }

  int port() {
    return server.port();
  }

  MeshServer server() {
    return server;
  }

  /** The calls that reached the service, in order. */
  List<Seen> seen() {
    return List.copyOf(seen);
  }

  /** A token signed with this server's development key. */
  String token(String subject, String... scopes) {
    try {
      return DevTokens.mint(
          DevSigningKey.ensure(dir.resolve(".mesh/dev")),
          new DevTokenRequest(
              subject, List.of(scopes), Duration.ofMinutes(5), Optional.empty(), Optional.empty()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    server.close();
  }

  private static final class Service extends SimpleServiceGrpc.SimpleServiceImplBase {
    @Override
    public void unaryRpc(SimpleRequest request, StreamObserver<SimpleResponse> responses) {
      String message = request.getRequestMessage();
      if (message.startsWith("status:")) {
        responses.onError(
            Status.fromCode(Status.Code.valueOf(message.substring(7)))
                .withDescription("asked to fail")
                .asRuntimeException());
        return;
      }
      responses.onNext(
          SimpleResponse.newBuilder()
              .setResponseMessage(
                  MeshPrincipal.current().flatMap(MeshPrincipal::subject).orElse("-"))
              .build());
      responses.onCompleted();
    }

    @Override
    public void serverStreamingRpc(
        SimpleRequest request, StreamObserver<SimpleResponse> responses) {
      responses.onNext(SimpleResponse.newBuilder().setResponseMessage("public").build());
      responses.onCompleted();
    }
  }
}
