package dev.datapunk.mesh.sample.e2e;

import dev.datapunk.mesh.runtime.MeshApplication;
import dev.datapunk.mesh.runtime.MeshModule;
import dev.datapunk.mesh.runtime.security.jwt.DevSigningKey;
import dev.datapunk.mesh.runtime.security.jwt.DevTokenRequest;
import dev.datapunk.mesh.runtime.security.jwt.DevTokens;
import dev.datapunk.mesh.runtime.server.MeshServer;
import dev.datapunk.mesh.runtime.tls.ClientTls;
import dev.datapunk.mesh.runtime.tls.DevPki;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.stub.AbstractStub;
import io.grpc.stub.MetadataUtils;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A mesh server started exactly as the generated bootstrap starts it (configuration loading,
 * development PKI and signing key, real Netty on 127.0.0.1), plus mTLS clients and dev tokens.
 */
final class RunningServer implements AutoCloseable {

  private final Path dir;
  private final MeshServer server;
  private final List<ManagedChannel> channels = new ArrayList<>();

  private RunningServer(Path dir, MeshServer server) {
    this.dir = dir;
    this.server = server;
  }

  /**
   * Starts {@code module} in working directory {@code dir} with extra {@code --key=value} args; the
   * Prometheus endpoint is off unless {@code args} set {@code --metrics.port}.
   */
  static RunningServer start(Path dir, MeshModule module, String... args) {
    List<String> all = new ArrayList<>(List.of("--server.host=127.0.0.1", "--server.port=0"));
    if (java.util.Arrays.stream(args).noneMatch(arg -> arg.startsWith("--metrics.port="))) {
      all.add("--metrics.port=0");
    }
    all.addAll(List.of(args));
    return new RunningServer(
        dir, MeshApplication.start(all.toArray(String[]::new), module, Map.of(), dir));
  }

  MeshServer server() {
    return server;
  }

  int port() {
    return server.port();
  }

  /**
   * A free loopback port for {@code --metrics.port} (free when asked; another process may take it).
   */
  static int freePort() throws IOException {
    try (java.net.ServerSocket socket =
        new java.net.ServerSocket(0, 0, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  /** The server's Prometheus scrape (the endpoint must be on, see {@link #start}). */
  String scrape() throws IOException, InterruptedException {
    java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
    java.net.http.HttpResponse<String> response =
        client.send(
            java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create(
                        "http://127.0.0.1:" + server.metricsPort().orElseThrow() + "/metrics"))
                .build(),
            java.net.http.HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IOException("scrape answered HTTP " + response.statusCode());
    }
    return response.body();
  }

  Path devDir() {
    return dir.resolve(".mesh/dev");
  }

  /** A channel presenting the development client certificate. */
  ManagedChannel mtlsChannel() throws IOException {
    return channel(ClientTls.devClient(DevPki.ensure(devDir())));
  }

  ManagedChannel channel(ChannelCredentials credentials) {
    ManagedChannel channel =
        Grpc.newChannelBuilderForAddress("localhost", port(), credentials).build();
    channels.add(channel);
    return channel;
  }

  /** A token signed with the development key. */
  String token(String subject, String... scopes) throws IOException {
    return DevTokens.mint(
        DevSigningKey.ensure(devDir()),
        new DevTokenRequest(
            subject, List.of(scopes), Duration.ofMinutes(5), Optional.empty(), Optional.empty()));
  }

  /** {@code stub} sending {@code authorization: Bearer token}. */
  static <S extends AbstractStub<S>> S withToken(S stub, String token) {
    Metadata headers = new Metadata();
    headers.put(
        Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
    return stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
  }

  /** Shuts the server down gracefully, leaving the clients' channels open. */
  void stopServer() {
    server.close();
  }

  /** Closes the clients' channels (cancelling their calls), then the server. */
  @Override
  public void close() {
    channels.forEach(ManagedChannel::shutdownNow);
    server.close();
  }
}
