package dev.datapunk.mesh.runtime.metrics;

import dev.datapunk.mesh.runtime.LoopbackPorts;
import dev.datapunk.mesh.runtime.MeshApplication;
import dev.datapunk.mesh.runtime.MeshBinding;
import dev.datapunk.mesh.runtime.policy.MethodPolicy;
import dev.datapunk.mesh.runtime.security.jwt.DevSigningKey;
import dev.datapunk.mesh.runtime.security.jwt.DevTokenRequest;
import dev.datapunk.mesh.runtime.security.jwt.DevTokens;
import dev.datapunk.mesh.runtime.server.MeshServer;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.stub.AbstractStub;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.grpc.testing.protobuf.SimpleRequest;
import io.grpc.testing.protobuf.SimpleResponse;
import io.grpc.testing.protobuf.SimpleServiceGrpc;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A real mesh server, started as the generated bootstrap starts it (configuration, Prometheus
 * registry, dev signing key), serving grpc-testing's SimpleService in plaintext on 127.0.0.1, with
 * a client channel, dev tokens and a scraper for its metrics endpoint.
 */
public final class MeteredServer implements AutoCloseable {

  static final String SERVICE = "grpc.testing.SimpleService";

  /** Open, limited to a burst of 3 that does not refill during a test; throws on "boom". */
  static final MethodPolicy UNARY =
      MethodPolicy.builder(SimpleServiceGrpc.getUnaryRpcMethod()).rateLimit(0.001, 3).build();

  /** Needs scope "read"; streams three replies; limited per token subject, generously. */
  static final MethodPolicy SERVER_STREAMING =
      MethodPolicy.builder(SimpleServiceGrpc.getServerStreamingRpcMethod())
          .requireScopes("read")
          .rateLimit(1_000, 1_000)
          .build();

  /** Open; sleeps as many milliseconds as the first message says, then answers. */
  static final MethodPolicy CLIENT_STREAMING =
      MethodPolicy.builder(SimpleServiceGrpc.getClientStreamingRpcMethod()).build();

  /** Open. */
  static final MethodPolicy BIDI =
      MethodPolicy.builder(SimpleServiceGrpc.getBidiStreamingRpcMethod()).build();

  private final Path dir;
  private final MeshServer server;
  private final ManagedChannel channel;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private MeteredServer(Path dir, MeshServer server) {
    this.dir = dir;
    this.server = server;
    this.channel =
        Grpc.newChannelBuilderForAddress(
                "127.0.0.1", server.port(), InsecureChannelCredentials.create())
            .build();
  }

  /** Starts with a free metrics port and {@code args} on top of the test defaults. */
  static MeteredServer start(Path dir, String... args) {
    List<String> all =
        new ArrayList<>(
            List.of(
                "--server.host=127.0.0.1",
                "--server.port=0",
                "--tls.mode=plaintext",
                "--metrics.port=" + LoopbackPorts.free()));
    all.addAll(List.of(args));
    return new MeteredServer(
        dir, MeshApplication.start(all.toArray(String[]::new), List.of(binding()), Map.of(), dir));
  }

  MeshServer server() {
    return server;
  }

  ManagedChannel channel() {
    return channel;
  }

  SimpleServiceGrpc.SimpleServiceBlockingStub blocking() {
    return SimpleServiceGrpc.newBlockingStub(channel);
  }

  int metricsPort() {
    return server.metricsPort().orElseThrow();
  }

  /** A token signed with the development key the server verifies with. */
  String token(String subject, String... scopes) throws IOException {
    return DevTokens.mint(
        DevSigningKey.ensure(dir.resolve(".mesh/dev")),
        new DevTokenRequest(
            subject, List.of(scopes), Duration.ofMinutes(5), Optional.empty(), Optional.empty()));
  }

  static <S extends AbstractStub<S>> S withToken(S stub, String token) {
    Metadata headers = new Metadata();
    headers.put(
        Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
    return stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
  }

  /** GET {@code path} on the metrics port with {@code accept} (none when null). */
  HttpResponse<String> get(String path, String accept) throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort() + path))
            .timeout(Duration.ofSeconds(10));
    if (accept != null) {
      request.header("Accept", accept);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The Prometheus text exposition, asserting the request succeeded. */
  String scrape() throws IOException, InterruptedException {
    HttpResponse<String> response = get("/metrics", null);
    if (response.statusCode() != 200) {
      throw new AssertionError("scrape answered " + response.statusCode() + ": " + response.body());
    }
    return response.body();
  }

  HttpClient http() {
    return http;
  }

  @Override
  public void close() {
    channel.shutdownNow();
    server.close();
  }

  static MeshBinding binding() {
    return MeshBinding.of(
        new SimpleService().bindService(),
        List.of(UNARY, SERVER_STREAMING, CLIENT_STREAMING, BIDI));
  }

  static SimpleRequest request(String message) {
    return SimpleRequest.newBuilder().setRequestMessage(message).build();
  }

  static final class SimpleService extends SimpleServiceGrpc.SimpleServiceImplBase {
    @Override
    public void unaryRpc(SimpleRequest request, StreamObserver<SimpleResponse> responses) {
      if (request.getRequestMessage().equals("boom")) {
        throw new IllegalStateException("boom");
      }
      responses.onNext(
          SimpleResponse.newBuilder().setResponseMessage(request.getRequestMessage()).build());
      responses.onCompleted();
    }

    @Override
    public void serverStreamingRpc(
        SimpleRequest request, StreamObserver<SimpleResponse> responses) {
      for (int i = 0; i < 3; i++) {
        responses.onNext(SimpleResponse.newBuilder().setResponseMessage("reply " + i).build());
      }
      responses.onCompleted();
    }

    @Override
    public StreamObserver<SimpleRequest> clientStreamingRpc(
        StreamObserver<SimpleResponse> responses) {
      return new StreamObserver<>() {
        int count;

        @Override
        public void onNext(SimpleRequest value) {
          if (count++ == 0 && !value.getRequestMessage().isEmpty()) {
            sleep(Long.parseLong(value.getRequestMessage()));
          }
        }

        @Override
        public void onError(Throwable t) {}

        @Override
        public void onCompleted() {
          responses.onNext(
              SimpleResponse.newBuilder().setResponseMessage(count + " messages").build());
          responses.onCompleted();
        }
      };
    }

    private static void sleep(long millis) {
      try {
        Thread.sleep(millis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
