package dev.datapunk.mesh.runtime.server;

import dev.datapunk.mesh.runtime.config.ConfigKeys;
import dev.datapunk.mesh.runtime.config.MeshConfig;
import dev.datapunk.mesh.runtime.config.ServerSettings;
import dev.datapunk.mesh.runtime.health.ServingStatus;
import dev.datapunk.mesh.runtime.logging.MeshLoggers;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.OptionalInt;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;

/**
 * The listener of {@code health.port}: a second, plaintext gRPC port on {@code server.host} that
 * serves grpc.health.v1 and nothing else, for probes that cannot present a client certificate (the
 * kubelet's gRPC probe in front of an mTLS server).
 *
 * <p>It answers from the main port's {@link ServingStatus}, so both ports say the same at every
 * moment: NOT_SERVING until the main port is bound, SERVING while the dependency checks pass,
 * NOT_SERVING for good as soon as shutdown begins. No mesh service, no reflection and no call chain
 * are registered on it (any other method is UNIMPLEMENTED), and the identity allow list does not
 * apply (a plaintext caller has no identity). It is started right after the main port and stopped
 * after the main port has drained.
 */
final class HealthPort {

  /** The largest request accepted: a HealthCheckRequest holds one service name. */
  private static final int MAX_REQUEST_BYTES = 1024;

  private static final Logger log = MeshLoggers.getLogger(HealthPort.class);

  private final String host;
  private final int port;
  private final Server server;
  private volatile boolean started;

  private HealthPort(String host, int port, Server server) {
    this.host = host;
    this.port = port;
    this.server = server;
  }

  /**
   * The listener {@code config} asks for (none when {@code health.port} is 0), answering from
   * {@code status}; calls run on {@code executor}.
   */
  static HealthPort of(MeshConfig config, ServingStatus status, Executor executor) {
    ServerSettings settings = config.server();
    int port = config.health().port();
    if (port == 0) {
      return new HealthPort(settings.host(), 0, null);
    }
    Server server =
        NettyServerBuilder.forAddress(
                new InetSocketAddress(settings.host(), port), InsecureServerCredentials.create())
            .executor(executor)
            .maxInboundMessageSize(MAX_REQUEST_BYTES)
            .maxInboundMetadataSize(settings.maxInboundMetadataSize())
            .keepAliveTime(settings.keepAliveTime().toNanos(), TimeUnit.NANOSECONDS)
            .keepAliveTimeout(settings.keepAliveTimeout().toNanos(), TimeUnit.NANOSECONDS)
            .permitKeepAliveTime(settings.permitKeepAliveTime().toNanos(), TimeUnit.NANOSECONDS)
            .addService(status.healthService())
            .build();
    return new HealthPort(settings.host(), port, server);
  }

  /**
   * Binds the port, if one is configured.
   *
   * @throws UncheckedIOException naming {@code health.port} when the port cannot be bound
   */
  void start() {
    if (server == null) {
      return;
    }
    try {
      server.start();
    } catch (IOException e) {
      throw new UncheckedIOException(
          ConfigKeys.HEALTH_PORT
              + ": cannot listen on "
              + host
              + ":"
              + port
              + " for the plaintext health listener: "
              + e.getMessage()
              + " (set "
              + ConfigKeys.HEALTH_PORT
              + " to a free port, or 0 to turn the listener off)",
          e);
    }
    started = true;
    log.info(
        "{}: plaintext grpc.health.v1 (and nothing else) on {}:{}, for probes without a client"
            + " certificate",
        ConfigKeys.HEALTH_PORT,
        host,
        port);
  }

  /** The bound port; empty when {@code health.port} is 0 or the listener has not started. */
  OptionalInt port() {
    return started ? OptionalInt.of(port) : OptionalInt.empty();
  }

  /**
   * Stops the listener, cancelling open health {@code Watch} streams, and waits up to {@code
   * waitMillis} for it.
   */
  void close(long waitMillis) {
    if (server == null) {
      return;
    }
    started = false;
    server.shutdownNow();
    try {
      server.awaitTermination(waitMillis, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
