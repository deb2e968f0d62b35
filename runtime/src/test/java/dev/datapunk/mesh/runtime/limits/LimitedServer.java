package dev.datapunk.mesh.runtime.limits;

import dev.datapunk.mesh.runtime.LoopbackPorts;
import dev.datapunk.mesh.runtime.MeshApplication;
import dev.datapunk.mesh.runtime.reliability.Scrape;
import dev.datapunk.mesh.runtime.server.MeshServer;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A real mesh server serving its own {@link WorkService} in plaintext on 127.0.0.1 with 4 worker
 * threads unless {@code args} say otherwise (so its capacity is about 4 / 10 ms = 400 calls/s),
 * started as the generated bootstrap starts it, and a client channel to it. Closing it releases the
 * {@code Hold} calls still waiting, then stops the server.
 */
final class LimitedServer implements AutoCloseable {

  static final int WORKERS = 4;

  private final WorkService work;
  private final MeshServer server;
  private final ManagedChannel channel;

  private LimitedServer(WorkService work, MeshServer server) {
    this.work = work;
    this.server = server;
    this.channel =
        Grpc.newChannelBuilderForAddress(
                "127.0.0.1", server.port(), InsecureChannelCredentials.create())
            .build();
  }

  static LimitedServer start(Path dir, String... args) {
    List<String> all =
        new ArrayList<>(
            List.of(
                "--server.host=127.0.0.1",
                "--server.port=0",
                "--tls.mode=plaintext",
                "--reflection.enabled=false"));
    all.addAll(List.of(args));
    if (all.stream().noneMatch(arg -> arg.startsWith("--server.worker-threads="))) {
      all.add("--server.worker-threads=" + WORKERS);
    }
    all.add("--metrics.port=" + LoopbackPorts.free());
    WorkService work = new WorkService();
    return new LimitedServer(
        work,
        MeshApplication.start(all.toArray(String[]::new), List.of(work.binding()), Map.of(), dir));
  }

  /** The Prometheus text exposition of the server's metrics endpoint. */
  String scrape() {
    return Scrape.of(server.metricsPort().orElseThrow()).text();
  }

  /** The value of the sample {@code name{labels}} in the scrape, or NaN when absent. */
  double sample(String name, String labels) {
    String prefix = name + "{" + labels;
    return scrape()
        .lines()
        .filter(line -> line.startsWith(prefix))
        .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
        .findFirst()
        .orElse(Double.NaN);
  }

  /**
   * The shared limiter's calls in flight, or 0 while the adaptive limit has no meters (never
   * switched on).
   */
  double limiterInFlight() {
    double inFlight = sample("mesh_limits_adaptive_inflight", "limiter=\"server\"");
    return Double.isNaN(inFlight) ? 0 : inFlight;
  }

  /** The service this server runs: what {@code Hold} waits for and how many calls are held. */
  WorkService work() {
    return work;
  }

  ManagedChannel channel() {
    return channel;
  }

  MeshServer server() {
    return server;
  }

  @Override
  public void close() {
    work.release();
    channel.shutdownNow();
    server.close();
  }
}
