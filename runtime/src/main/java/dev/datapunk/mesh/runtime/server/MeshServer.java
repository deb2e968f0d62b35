package dev.datapunk.mesh.runtime.server;

import dev.datapunk.mesh.runtime.MeshApplication;
import dev.datapunk.mesh.runtime.config.ConfigWatcher;
import dev.datapunk.mesh.runtime.config.MeshConfig;
import dev.datapunk.mesh.runtime.config.ServerSettings;
import dev.datapunk.mesh.runtime.health.HealthCheck;
import dev.datapunk.mesh.runtime.health.HealthCheckScheduler;
import dev.datapunk.mesh.runtime.health.ServingStatus;
import dev.datapunk.mesh.runtime.logging.MeshLoggers;
import dev.datapunk.mesh.runtime.metrics.MeshMeters;
import dev.datapunk.mesh.runtime.metrics.MetricsEndpoint;
import dev.datapunk.mesh.runtime.metrics.MetricsStage;
import io.grpc.Server;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;

/**
 * A gRPC server running mesh services behind their per-method call chains, with health and
 * reflection, and a graceful shutdown. Built by {@link #builder} (or, from configuration alone, by
 * {@link MeshApplication}); this class only runs it.
 *
 * <p>Lifecycle: {@link #start()} starts the metrics endpoint (unless {@code metrics.port=0}), binds
 * the port (and the plaintext health-only {@code health.port}, when set) and turns health SERVING
 * (while every dependency {@link HealthCheck} passes), then starts what calls do not need ({@link
 * MeshServerBuilder#startAfterServing}, the JVM meters) before it returns; {@link #close()} (also
 * run by the JVM's shutdown hook on SIGTERM when started through {@link MeshApplication}) turns
 * health NOT_SERVING, keeps accepting calls for {@code server.shutdown-delay} so load balancers see
 * it, stops accepting calls, lets the calls in flight finish for up to {@code
 * server.shutdown-grace}, force-closes whatever is left, closes the {@code health.port} listener,
 * and stops the metrics endpoint last, so it answers while the server drains.
 */
public final class MeshServer implements AutoCloseable {

  private static final Logger log = MeshLoggers.getLogger(MeshServer.class);
  private static final Duration FORCED_CLOSE_WAIT = Duration.ofSeconds(5);

  private final ServerSettings settings;
  private final String transport;
  private final int configuredMetricsPort;
  private final Server grpc;
  private final ExecutorService workers;
  private final ExecutorService infrastructure;
  private final ServingStatus servingStatus;
  private final HealthCheckScheduler healthChecks;
  private final MetricsStage metrics;
  private final HealthPort healthPort;
  private final PolicyLog policyLog;
  private final List<String> serviceNames;
  private final MeshMeters meshMeters;
  private final PrometheusMeterRegistry scrapedRegistry;
  private final List<AutoCloseable> resources;
  private final List<Supplier<? extends AutoCloseable>> afterServing;
  private final List<AutoCloseable> startedAfterServing = new CopyOnWriteArrayList<>();
  private final AtomicBoolean closing = new AtomicBoolean();
  private volatile MetricsEndpoint metricsEndpoint;
  private volatile boolean started;
  private volatile ConfigWatcher configWatcher;

  /** What {@link ServerWiring} made for a server, besides what its builder was given. */
  record Parts(
      Server grpc,
      ExecutorService workers,
      ExecutorService infrastructure,
      ServingStatus servingStatus,
      HealthCheckScheduler healthChecks,
      MetricsStage metrics,
      HealthPort healthPort,
      PolicyLog policyLog,
      List<String> serviceNames) {}

  MeshServer(MeshServerBuilder builder, Parts parts) {
    MeshConfig config = builder.config;
    this.settings = config.server();
    this.transport = config.tls().mode().name().toLowerCase(Locale.ROOT);
    this.configuredMetricsPort = config.metricsPort();
    this.grpc = parts.grpc();
    this.workers = parts.workers();
    this.infrastructure = parts.infrastructure();
    this.servingStatus = parts.servingStatus();
    this.healthChecks = parts.healthChecks();
    this.metrics = parts.metrics();
    this.healthPort = parts.healthPort();
    this.policyLog = parts.policyLog();
    this.serviceNames = List.copyOf(parts.serviceNames());
    this.meshMeters = builder.meshMeters();
    this.scrapedRegistry = builder.scrapedRegistry;
    this.resources = List.copyOf(builder.resources);
    this.afterServing = List.copyOf(builder.afterServing);
  }

  /** Starts building a server from {@code config}: see {@link MeshServerBuilder}. */
  public static MeshServerBuilder builder(MeshConfig config) {
    return new MeshServerBuilder(config);
  }

  /** Hands over the watcher of the configuration file; it is closed when the server closes. */
  void watchConfig(ConfigWatcher watcher) {
    this.configWatcher = Objects.requireNonNull(watcher, "watcher");
    if (closing.get()) {
      watcher.close();
    }
  }

  /**
   * The watcher applying changes of the configuration file, when one was set up (see {@link
   * ConfigWatcher}).
   */
  public Optional<ConfigWatcher> configWatcher() {
    return Optional.ofNullable(configWatcher);
  }

  /**
   * Starts the metrics endpoint, binds the port and starts serving; health turns SERVING once the
   * port is bound and the dependency checks have passed once.
   *
   * @throws java.io.UncheckedIOException naming {@code metrics.port}, {@code server.port} or {@code
   *     health.port} when a port cannot be bound
   */
  public MeshServer start() {
    startMetricsEndpoint();
    try {
      grpc.start();
    } catch (IOException e) {
      close();
      throw new UncheckedIOException(
          "cannot listen on "
              + settings.host()
              + ":"
              + settings.port()
              + " (server.host / server.port): "
              + e.getMessage(),
          e);
    }
    try {
      healthPort.start();
    } catch (UncheckedIOException e) {
      close();
      throw e;
    }
    started = true;
    healthChecks.start();
    servingStatus.serving();
    log.info(
        "Mesh server listening on {} ({}) serving {}", listenAddress(), transport, serviceNames);
    policyLog.write();
    startAfterServing();
    return this;
  }

  /**
   * Starts what calls do not need (see {@link MeshServerBuilder#startAfterServing}); closes the
   * server if one fails.
   */
  private void startAfterServing() {
    try {
      for (Supplier<? extends AutoCloseable> starter : afterServing) {
        startedAfterServing.add(starter.get());
      }
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  private void startMetricsEndpoint() {
    int port = configuredMetricsPort;
    if (scrapedRegistry == null || port == 0) {
      return;
    }
    try {
      metricsEndpoint = MetricsEndpoint.start(scrapedRegistry, settings.host(), port);
    } catch (IOException e) {
      close();
      throw new UncheckedIOException(
          "metrics.port: cannot listen on "
              + settings.host()
              + ":"
              + port
              + " for the Prometheus endpoint: "
              + e.getMessage()
              + " (set metrics.port to a free port, or 0 to turn"
              + " the endpoint off)",
          e);
    }
    log.info(
        "Prometheus metrics at http://{}:{}{}",
        settings.host(),
        metricsEndpoint.port(),
        MetricsEndpoint.PATH);
  }

  /**
   * The port of the Prometheus endpoint; empty when {@code metrics.port} is 0 or it is not running.
   */
  public OptionalInt metricsPort() {
    MetricsEndpoint endpoint = metricsEndpoint;
    return endpoint == null ? OptionalInt.empty() : OptionalInt.of(endpoint.port());
  }

  /** The mesh's decision meters, registered in this server's meter registry. */
  public MeshMeters meshMeters() {
    return meshMeters;
  }

  /**
   * The plaintext health-only port ({@code health.port}); empty when it is 0 or the server is not
   * running.
   */
  public OptionalInt healthPort() {
    return healthPort.port();
  }

  /**
   * The port the server listens on; the chosen one when {@code server.port} is 0; -1 on a {@link
   * ServerTransport} without ports (in-process).
   */
  public int port() {
    return grpc.getListenSockets().get(0) instanceof InetSocketAddress inet ? inet.getPort() : -1;
  }

  /** {@code server.host:port}, or the transport's own address when it has no port. */
  private String listenAddress() {
    SocketAddress address = grpc.getListenSockets().get(0);
    return address instanceof InetSocketAddress
        ? settings.host() + ":" + port()
        : address.toString();
  }

  /** Names of the mesh services this server runs. */
  public List<String> serviceNames() {
    return serviceNames;
  }

  /** Calls in flight in mesh services right now. */
  public int activeCalls() {
    return metrics.activeCalls();
  }

  /** Blocks until the server has terminated. */
  public void awaitTermination() throws InterruptedException {
    grpc.awaitTermination();
  }

  /**
   * Shuts down gracefully: health NOT_SERVING, no new calls, calls in flight finish within {@code
   * server.shutdown-grace}, then whatever is left is cancelled. Safe to call more than once.
   */
  @Override
  public void close() {
    if (!closing.compareAndSet(false, true)) {
      awaitQuietly(FORCED_CLOSE_WAIT.plus(settings.shutdownGrace()));
      return;
    }
    Duration grace = settings.shutdownGrace();
    log.info(
        "Mesh server shutting down: health NOT_SERVING, draining {} call(s) for up to {}",
        activeCalls(),
        grace);
    servingStatus.shuttingDown();
    healthChecks.close();
    ConfigWatcher watcher = configWatcher;
    if (watcher != null) {
      watcher.close();
    }
    if (started) {
      delayWhileNotServing(settings.shutdownDelay());
    }
    grpc.shutdown();
    boolean drained = drain(grace);
    if (!drained) {
      log.warn(
          "Shutdown grace of {} elapsed with {} call(s) in flight; cancelling them",
          grace,
          activeCalls());
    }
    // Streams that never end by themselves (health watches, reflection) are cancelled here.
    grpc.shutdownNow();
    awaitQuietly(FORCED_CLOSE_WAIT);
    healthPort.close(FORCED_CLOSE_WAIT.toMillis());
    workers.shutdownNow();
    infrastructure.shutdownNow();
    List<AutoCloseable> toClose = new ArrayList<>(startedAfterServing);
    toClose.addAll(resources);
    for (AutoCloseable resource : toClose) {
      try {
        resource.close();
      } catch (Exception e) {
        log.warn("Failed to close {}", resource, e);
      }
    }
    MetricsEndpoint endpoint = metricsEndpoint;
    if (endpoint != null) {
      endpoint.close();
    }
    log.info("Mesh server stopped");
  }

  /** Health already says NOT_SERVING; calls are still accepted while load balancers notice. */
  private static void delayWhileNotServing(Duration delay) {
    if (delay.isZero()) {
      return;
    }
    log.info("Accepting calls for server.shutdown-delay={} while health says NOT_SERVING", delay);
    try {
      Thread.sleep(delay.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Waits until no mesh call is in flight or the grace period is over; true when drained. */
  private boolean drain(Duration grace) {
    long deadline = System.nanoTime() + grace.toNanos();
    try {
      while (activeCalls() > 0 && !grpc.isTerminated()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        grpc.awaitTermination(
            Math.min(left, TimeUnit.MILLISECONDS.toNanos(20)), TimeUnit.NANOSECONDS);
      }
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private void awaitQuietly(Duration timeout) {
    try {
      grpc.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
