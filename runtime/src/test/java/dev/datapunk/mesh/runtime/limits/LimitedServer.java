package dev.datapunk.mesh.runtime.limits;

import dev.datapunk.mesh.runtime.MeshApplication;
import dev.datapunk.mesh.runtime.server.MeshServer;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A real mesh server serving {@link WorkService} in plaintext on 127.0.0.1 with 4 worker threads (unless
 * {@code args} say otherwise)
 * (so its capacity is about 4 / 10 ms = 400 calls/s), started as the generated bootstrap starts it,
 * and a client channel to it.
 */
final class LimitedServer implements AutoCloseable {

  static final int WORKERS = 4;

  private final MeshServer server;
  private final ManagedChannel channel;

  private LimitedServer(MeshServer server) {
    this.server = server;
    this.channel = Grpc.newChannelBuilderForAddress("127.0.0.1", server.port(), InsecureChannelCredentials.create())
        .build();
  }

  static LimitedServer start(Path dir, String... args) {
    List<String> all = new ArrayList<>(List.of("--server.host=127.0.0.1", "--server.port=0", "--tls.mode=plaintext",
        "--reflection.enabled=false"));
    all.addAll(List.of(args));
    if (all.stream().noneMatch(arg -> arg.startsWith("--server.worker-threads="))) {
      all.add("--server.worker-threads=" + WORKERS);
    }
    all.add("--metrics.port=" + freePort());
    return new LimitedServer(MeshApplication.start(all.toArray(String[]::new), List.of(WorkService.binding()),
        Map.of(), dir));
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The Prometheus text exposition of the server's metrics endpoint. */
  String scrape() throws IOException, InterruptedException {
    HttpResponse<String> response = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.metricsPort().orElseThrow() + "/metrics"))
            .timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new AssertionError("scrape answered " + response.statusCode());
    }
    return response.body();
  }

  /** The value of the sample {@code name{labels}} in the scrape, or NaN when absent. */
  double sample(String name, String labels) throws IOException, InterruptedException {
    String prefix = name + "{" + labels;
    return scrape().lines()
        .filter(line -> line.startsWith(prefix))
        .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
        .findFirst().orElse(Double.NaN);
  }

  ManagedChannel channel() {
    return channel;
  }

  MeshServer server() {
    return server;
  }

  @Override
  public void close() {
    channel.shutdownNow();
    server.close();
  }
}
