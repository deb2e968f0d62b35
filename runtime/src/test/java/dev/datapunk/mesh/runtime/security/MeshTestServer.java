package dev.datapunk.mesh.runtime.security;

import dev.datapunk.mesh.runtime.MeshApplication;
import dev.datapunk.mesh.runtime.MeshBinding;
import dev.datapunk.mesh.runtime.policy.MethodPolicy;
import dev.datapunk.mesh.runtime.server.MeshServer;
import dev.datapunk.mesh.runtime.tls.CertificateFixture;
import dev.datapunk.mesh.runtime.tls.ClientTls;
import io.grpc.CallOptions;
import io.grpc.ChannelCredentials;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptors;
import io.grpc.ForwardingClientCall;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import io.grpc.testing.protobuf.SimpleRequest;
import io.grpc.testing.protobuf.SimpleResponse;
import io.grpc.testing.protobuf.SimpleServiceGrpc;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real mesh server on 127.0.0.1 over mTLS, started from configuration exactly as the generated
 * bootstrap starts it ({@link MeshApplication#start}), serving {@link #binding} with a test PKI.
 *
 * <p>Methods of SimpleService and their policies:
 *
 * <ul>
 *   <li>{@code UnaryRpc}: {@code @Secured("read")}; answers {@code subject|peer identity};
 *   <li>{@code ServerStreamingRpc}: {@code @Public}; answers the peer identity once;
 *   <li>{@code ClientStreamingRpc}, {@code BidiStreamingRpc}: {@code @Secured("read", "write")}.
 * </ul>
 */
public final class MeshTestServer implements AutoCloseable {

  /** The authorization header. */
  public static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  /** The SPIFFE ID of {@link Pki#clientCert()}. */
  public static final String CLIENT_ID = "spiffe://mesh.test/ns/shop/client";

  static final MethodPolicy UNARY =
      MethodPolicy.builder(SimpleServiceGrpc.getUnaryRpcMethod()).requireScopes("read").build();
  static final MethodPolicy PUBLIC =
      MethodPolicy.builder(SimpleServiceGrpc.getServerStreamingRpcMethod()).publicAccess().build();
  static final MethodPolicy CLIENT_STREAMING =
      MethodPolicy.builder(SimpleServiceGrpc.getClientStreamingRpcMethod())
          .requireScopes("read", "write")
          .build();
  static final MethodPolicy BIDI =
      MethodPolicy.builder(SimpleServiceGrpc.getBidiStreamingRpcMethod())
          .requireScopes("read", "write")
          .build();

  /**
   * Test certificates in {@code dir}: a CA, the server's chain (localhost, 127.0.0.1) and a client
   * certificate with {@link #CLIENT_ID}.
   */
  public record Pki(
      Path dir,
      CertificateFixture ca,
      Path caCert,
      Path serverCert,
      Path serverKey,
      Path clientCert,
      Path clientKey) {

    /** Creates the files. */
    public static Pki create(Path dir) {
      CertificateFixture ca = CertificateFixture.newCa("Mesh Test CA");
      Path caCert = ca.writeCertificate(dir.resolve("ca.pem"));
      ca.leaf("localhost")
          .dns("localhost")
          .ip("127.0.0.1")
          .serverAuth()
          .issue()
          .writeChain(dir.resolve("server.pem"), dir.resolve("server.key"));
      ca.leaf("shop-client")
          .uri(CLIENT_ID)
          .clientAuth()
          .issue()
          .writeChain(dir.resolve("client.pem"), dir.resolve("client.key"));
      return new Pki(
          dir,
          ca,
          caCert,
          dir.resolve("server.pem"),
          dir.resolve("server.key"),
          dir.resolve("client.pem"),
          dir.resolve("client.key"));
    }

    /** The {@code --tls.*} arguments for this PKI. */
    public List<String> tlsArgs() {
      return List.of("--tls.cert=" + serverCert, "--tls.key=" + serverKey, "--tls.ca=" + caCert);
    }

    /** mTLS client credentials presenting the default client certificate. */
    public ChannelCredentials client() {
      return credentials(clientCert, clientKey);
    }

    /** mTLS client credentials presenting {@code issued} (written under {@code name}). */
    public ChannelCredentials client(CertificateFixture.Issued issued, String name) {
      Path cert = dir.resolve(name + ".pem");
      Path key = dir.resolve(name + ".key");
      issued.writeChain(cert, key);
      return credentials(cert, key);
    }

    /** TLS trusting the CA, without a client certificate. */
    public ChannelCredentials noClientCertificate() {
      try {
        return ClientTls.trusting(caCert);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    private ChannelCredentials credentials(Path cert, Path key) {
      try {
        return ClientTls.mutual(caCert, cert, key);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  private final MeshServer server;
  private final AtomicInteger serviceCalls;
  private final List<ManagedChannel> channels = new ArrayList<>();

  private MeshTestServer(MeshServer server, AtomicInteger serviceCalls) {
    this.server = server;
    this.serviceCalls = serviceCalls;
  }

  /**
   * Starts a server in {@code workingDir} through {@link MeshApplication#start} with loopback, an
   * ephemeral port, no metrics endpoint (unless {@code args} set {@code --metrics.port=}) and
   * {@code args}.
   */
  public static MeshTestServer start(Path workingDir, List<String> args) {
    AtomicInteger calls = new AtomicInteger();
    List<String> all =
        new ArrayList<>(
            List.of("--server.host=127.0.0.1", "--server.port=0", "--server.shutdown-grace=1s"));
    if (args.stream().noneMatch(arg -> arg.startsWith("--metrics.port="))) {
      all.add("--metrics.port=0");
    }
    all.addAll(args);
    return new MeshTestServer(
        MeshApplication.start(
            all.toArray(String[]::new), List.of(binding(calls)), Map.of(), workingDir),
        calls);
  }

  /** Wraps a server built by the caller (e.g. with {@code MeshServer.builder}) and started. */
  public static MeshTestServer of(MeshServer started, AtomicInteger serviceCalls) {
    return new MeshTestServer(started, serviceCalls);
  }

  /** The binding of SimpleService with the policies above; {@code calls} counts service runs. */
  public static MeshBinding binding(AtomicInteger calls) {
    return MeshBinding.of(
        new Service(calls).bindService(), List.of(UNARY, PUBLIC, CLIENT_STREAMING, BIDI));
  }

  public MeshServer server() {
    return server;
  }

  /** How many times service code ran. */
  public int serviceCalls() {
    return serviceCalls.get();
  }

  /** A new channel (a new connection) to the server, for host name localhost. */
  public ManagedChannel channel(ChannelCredentials credentials) {
    ManagedChannel channel =
        Grpc.newChannelBuilderForAddress("localhost", server.port(), credentials).build();
    channels.add(channel);
    return channel;
  }

  /** Calls UnaryRpc on {@code channel} with an {@code authorization} header per element. */
  public static String unary(ManagedChannel channel, String... authorization) {
    Metadata headers = new Metadata();
    for (String value : authorization) {
      headers.put(AUTHORIZATION, value);
    }
    io.grpc.Channel intercepted =
        ClientInterceptors.intercept(
            channel,
            new io.grpc.ClientInterceptor() {
              @Override
              public <ReqT, RespT> ClientCall<ReqT, RespT> interceptCall(
                  io.grpc.MethodDescriptor<ReqT, RespT> method,
                  CallOptions callOptions,
                  io.grpc.Channel next) {
                return new ForwardingClientCall.SimpleForwardingClientCall<>(
                    next.newCall(method, callOptions)) {
                  @Override
                  public void start(Listener<RespT> responseListener, Metadata outgoing) {
                    outgoing.merge(headers);
                    super.start(responseListener, outgoing);
                  }
                };
              }
            });
    return ClientCalls.blockingUnaryCall(
            intercepted,
            SimpleServiceGrpc.getUnaryRpcMethod(),
            CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS),
            SimpleRequest.newBuilder().setRequestMessage("hi").build())
        .getResponseMessage();
  }

  /** Calls the public ServerStreamingRpc; returns the peer identity the service saw. */
  public static String publicCall(ManagedChannel channel) {
    return SimpleServiceGrpc.newBlockingStub(channel)
        .withDeadlineAfter(10, TimeUnit.SECONDS)
        .serverStreamingRpc(SimpleRequest.newBuilder().setRequestMessage("hi").build())
        .next()
        .getResponseMessage();
  }

  @Override
  public void close() {
    for (ManagedChannel channel : channels) {
      channel.shutdownNow();
    }
    server.close();
  }

  private static final class Service extends SimpleServiceGrpc.SimpleServiceImplBase {
    private final AtomicInteger calls;

    Service(AtomicInteger calls) {
      this.calls = calls;
    }

    @Override
    public void unaryRpc(SimpleRequest request, StreamObserver<SimpleResponse> responses) {
      calls.incrementAndGet();
      MeshPrincipal principal = MeshPrincipal.current().orElseThrow();
      responses.onNext(
          SimpleResponse.newBuilder()
              .setResponseMessage(
                  principal.subject().orElse("-") + "|" + principal.transportIdentity().orElse("-"))
              .build());
      responses.onCompleted();
    }

    @Override
    public void serverStreamingRpc(
        SimpleRequest request, StreamObserver<SimpleResponse> responses) {
      calls.incrementAndGet();
      String identity =
          MeshPrincipal.current().flatMap(MeshPrincipal::transportIdentity).orElse("-");
      responses.onNext(SimpleResponse.newBuilder().setResponseMessage(identity).build());
      responses.onCompleted();
    }
  }

  /**
   * How a reflection stream listing the services ends: {@code OK} where reflection is served, else
   * the refusal.
   */
  public static Status reflectionStatus(ManagedChannel channel) {
    CompletableFuture<Status> done = new CompletableFuture<>();
    StreamObserver<ServerReflectionRequest> requests =
        ServerReflectionGrpc.newStub(channel)
            .serverReflectionInfo(
                new StreamObserver<ServerReflectionResponse>() {
                  @Override
                  public void onNext(ServerReflectionResponse value) {}

                  @Override
                  public void onError(Throwable t) {
                    done.complete(Status.fromThrowable(t));
                  }

                  @Override
                  public void onCompleted() {
                    done.complete(Status.OK);
                  }
                });
    requests.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());
    requests.onCompleted();
    return done.orTimeout(10, TimeUnit.SECONDS).join();
  }
}
