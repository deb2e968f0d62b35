package dev.datapunk.mesh.bench.load;

import dev.datapunk.mesh.bench.service.EchoMeshService;
import io.grpc.Server;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The reference server: bare grpc-java serving {@link EchoMeshService}'s plain {@code
 * bindService()}, no interceptor, with the mesh server's executor (a fixed pool of 10 threads on an
 * unbounded queue) and its Netty settings (4 MiB inbound messages, keepalive 2 h / 20 s, permitted
 * client keepalive 5 min), plus grpc.health.v1 turned SERVING once the port is bound.
 *
 * <p>Usage: {@code BareEchoServer PORT [plaintext|mtls] [DEV_DIR]}; listens on 127.0.0.1 only,
 * stops on SIGTERM. With mtls it uses the development PKI in {@code DEV_DIR} (default {@code
 * .mesh/dev}), as the mesh server does.
 */
public final class BareEchoServer {

  /** Service threads, the mesh's {@code server.worker-threads} default. */
  static final int WORKER_THREADS = 10;

  private BareEchoServer() {}

  /** Runs the server until SIGTERM. */
  public static void main(String[] args) throws IOException, InterruptedException {
    if (args.length < 1) {
      System.err.println("usage: BareEchoServer PORT [plaintext|mtls] [DEV_DIR]");
      System.exit(2);
    }
    int port = Integer.parseInt(args[0]);
    Transport transport = args.length > 1 ? Transport.parse(args[1]) : Transport.PLAINTEXT;
    Path devDir = Path.of(args.length > 2 ? args[2] : ".mesh/dev");
    ExecutorService workers =
        new ThreadPoolExecutor(
            WORKER_THREADS,
            WORKER_THREADS,
            0,
            TimeUnit.MILLISECONDS,
            new LinkedBlockingQueue<>(),
            daemonThreads());
    HealthStatusManager health = new HealthStatusManager();
    Server server =
        NettyServerBuilder.forAddress(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), port),
                transport.serverCredentials(devDir))
            .executor(workers)
            .maxInboundMessageSize(4 * 1024 * 1024)
            .keepAliveTime(Duration.ofHours(2).toNanos(), TimeUnit.NANOSECONDS)
            .keepAliveTimeout(Duration.ofSeconds(20).toNanos(), TimeUnit.NANOSECONDS)
            .permitKeepAliveTime(Duration.ofMinutes(5).toNanos(), TimeUnit.NANOSECONDS)
            .addService(new EchoMeshService().bindService())
            .addService(health.getHealthService())
            .build()
            .start();
    health.setStatus(
        HealthStatusManager.SERVICE_NAME_ALL_SERVICES, HealthCheckResponse.ServingStatus.SERVING);
    System.out.println(
        "Bare server listening on 127.0.0.1:"
            + server.getPort()
            + " ("
            + transport.tlsMode()
            + ")");
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  health.enterTerminalState();
                  server.shutdownNow();
                  workers.shutdownNow();
                },
                "bare-shutdown"));
    server.awaitTermination();
  }

  private static java.util.concurrent.ThreadFactory daemonThreads() {
    AtomicInteger next = new AtomicInteger(1);
    return task -> {
      Thread thread = new Thread(task, "bare-worker-" + next.getAndIncrement());
      thread.setDaemon(true);
      return thread;
    };
  }
}
