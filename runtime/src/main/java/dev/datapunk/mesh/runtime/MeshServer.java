package dev.datapunk.mesh.runtime;

import dev.datapunk.mesh.runtime.chain.CallChain;
import dev.datapunk.mesh.runtime.chain.CallStage;
import dev.datapunk.mesh.runtime.config.ConfigException;
import dev.datapunk.mesh.runtime.config.ConfigWatcher;
import dev.datapunk.mesh.runtime.config.MeshConfig;
import dev.datapunk.mesh.runtime.config.ReloadTarget;
import dev.datapunk.mesh.runtime.errors.ExceptionHandlers;
import dev.datapunk.mesh.runtime.health.HealthCheck;
import dev.datapunk.mesh.runtime.health.HealthCheckScheduler;
import dev.datapunk.mesh.runtime.health.ServingStatus;
import dev.datapunk.mesh.runtime.limits.AdaptiveLimitSettings;
import dev.datapunk.mesh.runtime.limits.AdaptiveLimitStage;
import dev.datapunk.mesh.runtime.logging.MeshLoggers;
import dev.datapunk.mesh.runtime.metrics.MeshMeters;
import dev.datapunk.mesh.runtime.metrics.MetricsEndpoint;
import dev.datapunk.mesh.runtime.metrics.MetricsStage;
import dev.datapunk.mesh.runtime.ratelimit.RateLimitStage;
import dev.datapunk.mesh.runtime.ratelimit.RateLimiterBackend;
import dev.datapunk.mesh.runtime.security.AuthDecisionListener;
import dev.datapunk.mesh.runtime.security.PeerAllowList;
import dev.datapunk.mesh.runtime.security.SecurityStages;
import dev.datapunk.mesh.runtime.tls.AllowedIdentities;
import dev.datapunk.mesh.runtime.security.TokenVerifier;
import io.grpc.Server;
import io.grpc.ServerCredentials;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.jvm.ExecutorServiceMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;

/**
 * A gRPC server running mesh services behind their per-method call chains, with health and
 * reflection, and a graceful shutdown.
 *
 * <p>Lifecycle: {@link #start()} starts the metrics endpoint (unless {@code metrics.port=0}), binds
 * the port (and the plaintext health-only {@code health.port}, when set) and turns health SERVING
 * (while every dependency {@link HealthCheck} passes), then starts what calls do not need ({@link
 * Builder#startAfterServing}, the JVM meters) before it returns; {@link
 * #close()} (also run by the JVM's shutdown hook on SIGTERM when started through {@link
 * MeshApplication}) turns health NOT_SERVING, keeps accepting calls for {@code
 * server.shutdown-delay} so load balancers see it, stops accepting calls, lets the calls in flight
 * finish for up to {@code server.shutdown-grace}, force-closes whatever is left, closes the
 * {@code health.port} listener, and stops the metrics endpoint last, so it answers while the server
 * drains.
 */
public final class MeshServer implements AutoCloseable {

  private static final Logger log = MeshLoggers.getLogger(MeshServer.class);
  private static final Duration FORCED_CLOSE_WAIT = Duration.ofSeconds(5);

  private final MeshConfig config;
  private final Server server;
  private final ExecutorService workers;
  private final ExecutorService infrastructurePool;
  private final ServingStatus servingStatus;
  private final MetricsStage metrics;
  private final MeshMeters meshMeters;
  private final PrometheusMeterRegistry scrapedRegistry;
  private final HealthCheckScheduler healthChecks;
  private volatile MetricsEndpoint metricsEndpoint;
  private volatile boolean started;
  private final List<AutoCloseable> resources;
  private final List<Supplier<? extends AutoCloseable>> afterServing;
  private final List<AutoCloseable> startedAfterServing = new CopyOnWriteArrayList<>();
  private final List<String> serviceNames;
  private final AtomicBoolean closing = new AtomicBoolean();
  private final RateLimitStage rateLimits;
  private final AdaptiveLimitStage adaptiveLimits;
  private final Set<String> methodNames;
  private final PolicyLog policyLog;
  private final HealthPort healthPort;
  private volatile ConfigWatcher configWatcher;

  private MeshServer(Builder builder) {
    this.config = builder.config;
    this.resources = List.copyOf(builder.resources);
    this.afterServing = List.copyOf(builder.afterServing);
    this.metrics = new MetricsStage(builder.meterRegistry,
        ExtensionWiring.exceptionMappers(builder.bindings, builder.exceptionHandlers));
    // The decision meters of the security and rate-limit stages (see MeshMeters for the seam).
    this.meshMeters = new MeshMeters(builder.meterRegistry);
    this.scrapedRegistry = builder.scrapedRegistry;
    List<AuthDecisionListener.Factory> listeners = new ArrayList<>(builder.authDecisionListeners);
    listeners.add(AuthDecisionMeters.of(meshMeters));
    AuthDecisionListener.Factory decisions = SecurityStages.oncePerMethod(AuthDecisionListener.Factory.all(listeners));
    CallStage identity = SecurityStages.identityAllowList(builder.peerAllowList, decisions);
    this.rateLimits = new RateLimitStage(builder.rateLimiterBackend, config.rateLimitOverrides(), meshMeters);
    this.adaptiveLimits = new AdaptiveLimitStage(AdaptiveLimitSettings.from(config), meshMeters);
    CallChain chain = CallChain.of(
        metrics,
        identity,
        SecurityStages.authentication(builder.tokenVerifier, builder.transportIdentities, decisions),
        SecurityStages.authorization(decisions),
        rateLimits,
        adaptiveLimits);
    List<io.grpc.ServerStreamTracer.Factory> tracers =
        new ArrayList<>(List.of(metrics.streamTracerFactory(), adaptiveLimits.arrivalTracer()));
    List<ServerServiceDefinition> services = new ArrayList<>();
    for (MeshBinding binding : builder.bindings) {
      services.add(chain.wrap(UnparsableRequests.guard(ExtensionWiring.withUserStages(binding, builder.userStages))));
    }
    this.policyLog = PolicyLog.of(builder.bindings, rateLimits::effectiveLimit);
    CallChain infrastructure = CallChain.of(identity);
    this.methodNames = methodNames(services);
    rejectOverridesOfUnknownMethods(config, methodNames);
    this.serviceNames = services.stream().map(s -> s.getServiceDescriptor().getName()).toList();
    this.servingStatus = new ServingStatus(serviceNames);
    this.healthChecks = new HealthCheckScheduler(builder.healthChecks, servingStatus, config.healthCheckInterval());
    this.workers = WorkerExecutor.create(config.workerThreads());
    new ExecutorServiceMetrics(workers, WorkerExecutor.NAME, Tags.empty()).bindTo(builder.meterRegistry);
    this.infrastructurePool = WorkerExecutor.createInfrastructure();
    new ExecutorServiceMetrics(infrastructurePool, WorkerExecutor.INFRASTRUCTURE_NAME, Tags.empty())
        .bindTo(builder.meterRegistry);
    this.server = NettyServers.build(config, builder.credentials, workers, infrastructurePool, services, servingStatus,
        tracers, definition -> infrastructure.wrap(OpenBinding.of(definition)));
    this.healthPort = HealthPort.of(config, servingStatus, infrastructurePool);
  }

  private static Set<String> methodNames(List<ServerServiceDefinition> services) {
    java.util.Set<String> methods = new java.util.HashSet<>();
    services.forEach(s -> s.getMethods().forEach(m -> methods.add(m.getMethodDescriptor().getFullMethodName())));
    return Set.copyOf(methods);
  }

  /** Configured per-method settings must name methods this server has (at start and on reload). */
  private static void rejectOverridesOfUnknownMethods(MeshConfig config, Set<String> methods) {
    rejectUnknownMethods(config, methods, "ratelimit.override.", config.rateLimitOverrides().keySet());
    rejectUnknownMethods(config, methods, "limits.adaptive.reserved.", config.adaptiveReserved().keySet());
  }

  private static void rejectUnknownMethods(
      MeshConfig config, Set<String> methods, String prefix, Set<String> configured) {
    for (String method : configured) {
      if (!methods.contains(method)) {
        String key = prefix + method;
        String source = config.entries().stream()
            .filter(entry -> entry.key().equals(key) || entry.key().startsWith(key + "."))
            .map(entry -> " (from " + entry.source() + ")")
            .findFirst().orElse("");
        throw new ConfigException(key + ": no mesh service of this server has method " + method + source);
      }
    }
  }

  /**
   * Where reloaded {@code ratelimit.override.*} values go: an override of a method no mesh service
   * of this server has is rejected as at start; the others go to the rate-limit stage.
   */
  ReloadTarget rateLimitReload() {
    return next -> {
      rejectOverridesOfUnknownMethods(next, methodNames);
      return rateLimits.prepareOverrides(next.rateLimitOverrides());
    };
  }

  /**
   * Where reloaded {@code limits.adaptive.*} values go (all but {@code per-method}); reserved
   * shares of unknown methods are rejected by {@link #rateLimitReload()}'s check.
   */
  ReloadTarget adaptiveLimitReload() {
    return next -> adaptiveLimits.reload(AdaptiveLimitSettings.from(next));
  }

  /** Hands over the watcher of the configuration file; it is closed when the server closes. */
  void watchConfig(ConfigWatcher watcher) {
    this.configWatcher = Objects.requireNonNull(watcher, "watcher");
    if (closing.get()) {
      watcher.close();
    }
  }

  /** The watcher applying changes of the configuration file, when one was set up (see {@link ConfigWatcher}). */
  public Optional<ConfigWatcher> configWatcher() {
    return Optional.ofNullable(configWatcher);
  }

  /** Starts building a server from {@code config}. */
  public static Builder builder(MeshConfig config) {
    return new Builder(config);
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
      server.start();
    } catch (IOException e) {
      close();
      throw new UncheckedIOException("cannot listen on " + config.serverHost() + ":" + config.serverPort()
          + " (server.host / server.port): " + e.getMessage(), e);
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
    log.info("Mesh server listening on {}:{} ({}) serving {}",
        config.serverHost(), port(), config.tlsMode().name().toLowerCase(java.util.Locale.ROOT), serviceNames);
    policyLog.write();
    startAfterServing();
    return this;
  }

  /** Starts what calls do not need (see {@link Builder#startAfterServing}); closes the server if one fails. */
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
    int port = config.metricsPort();
    if (scrapedRegistry == null || port == 0) {
      return;
    }
    try {
      metricsEndpoint = MetricsEndpoint.start(scrapedRegistry, config.serverHost(), port);
    } catch (IOException e) {
      close();
      throw new UncheckedIOException("metrics.port: cannot listen on " + config.serverHost() + ":" + port
          + " for the Prometheus endpoint: " + e.getMessage() + " (set metrics.port to a free port, or 0 to turn"
          + " the endpoint off)", e);
    }
    log.info("Prometheus metrics at http://{}:{}{}", config.serverHost(), metricsEndpoint.port(), MetricsEndpoint.PATH);
  }

  /** The port of the Prometheus endpoint; empty when {@code metrics.port} is 0 or it is not running. */
  public OptionalInt metricsPort() {
    MetricsEndpoint endpoint = metricsEndpoint;
    return endpoint == null ? OptionalInt.empty() : OptionalInt.of(endpoint.port());
  }

  /** The mesh's decision meters, registered in this server's meter registry. */
  public MeshMeters meshMeters() {
    return meshMeters;
  }

  /** The plaintext health-only port ({@code health.port}); empty when it is 0 or the server is not running. */
  public OptionalInt healthPort() {
    return healthPort.port();
  }

  /** The port the server listens on; the chosen one when {@code server.port} is 0. */
  public int port() {
    return ((InetSocketAddress) server.getListenSockets().get(0)).getPort();
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
    server.awaitTermination();
  }

  /**
   * Shuts down gracefully: health NOT_SERVING, no new calls, calls in flight finish within {@code
   * server.shutdown-grace}, then whatever is left is cancelled. Safe to call more than once.
   */
  @Override
  public void close() {
    if (!closing.compareAndSet(false, true)) {
      awaitQuietly(FORCED_CLOSE_WAIT.plus(config.shutdownGrace()));
      return;
    }
    Duration grace = config.shutdownGrace();
    log.info("Mesh server shutting down: health NOT_SERVING, draining {} call(s) for up to {}", activeCalls(), grace);
    servingStatus.shuttingDown();
    healthChecks.close();
    ConfigWatcher watcher = configWatcher;
    if (watcher != null) {
      watcher.close();
    }
    if (started) {
      delayWhileNotServing(config.shutdownDelay());
    }
    server.shutdown();
    boolean drained = drain(grace);
    if (!drained) {
      log.warn("Shutdown grace of {} elapsed with {} call(s) in flight; cancelling them", grace, activeCalls());
    }
    // Streams that never end by themselves (health watches, reflection) are cancelled here.
    server.shutdownNow();
    awaitQuietly(FORCED_CLOSE_WAIT);
    healthPort.close(FORCED_CLOSE_WAIT.toMillis());
    workers.shutdownNow();
    infrastructurePool.shutdownNow();
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
      while (activeCalls() > 0 && !server.isTerminated()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        server.awaitTermination(Math.min(left, TimeUnit.MILLISECONDS.toNanos(20)), TimeUnit.NANOSECONDS);
      }
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private void awaitQuietly(Duration timeout) {
    try {
      server.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Assembles a {@link MeshServer}. */
  public static final class Builder {
    private final MeshConfig config;
    private final List<MeshBinding> bindings = new ArrayList<>();
    private final List<AutoCloseable> resources = new ArrayList<>();
    private final List<Supplier<? extends AutoCloseable>> afterServing = new ArrayList<>();
    private ServerCredentials credentials;
    private MeterRegistry meterRegistry;
    private PrometheusMeterRegistry scrapedRegistry;
    private final List<HealthCheck> healthChecks = new ArrayList<>();
    private TokenVerifier tokenVerifier;
    private RateLimiterBackend rateLimiterBackend;
    private boolean transportIdentities;
    private PeerAllowList peerAllowList = new PeerAllowList(AllowedIdentities.allowAll());
    private final List<AuthDecisionListener.Factory> authDecisionListeners = new ArrayList<>();
    private final List<CallStage> userStages = new ArrayList<>();
    private ExceptionHandlers exceptionHandlers = ExceptionHandlers.none();

    private Builder(MeshConfig config) {
      this.config = Objects.requireNonNull(config, "config");
    }

    /**
     * Adds everything {@code module} holds: its mesh services, its user stages (innermost, just
     * above each service, in the module's order), its health checks and its global exception
     * handlers (replacing any set before).
     */
    public Builder module(MeshModule module) {
      bindings(module.bindings());
      userStages.addAll(module.stages());
      module.healthChecks().forEach(this::healthCheck);
      exceptionHandlers = module.exceptionHandlers();
      return this;
    }

    /** Adds mesh services, usually the generated bootstrap's {@code bindings()}. */
    public Builder bindings(List<? extends MeshBinding> bindings) {
      this.bindings.addAll(bindings);
      return this;
    }

    /**
     * The transport credentials. {@code transportIdentities} says whether clients present
     * certificates (mTLS), so methods without a token still learn the peer identity.
     */
    public Builder credentials(ServerCredentials credentials, boolean transportIdentities) {
      this.credentials = credentials;
      this.transportIdentities = transportIdentities;
      return this;
    }

    /** Where the per-method meters go. */
    public Builder meterRegistry(MeterRegistry meterRegistry) {
      this.meterRegistry = meterRegistry;
      return this;
    }

    /**
     * Records into {@code registry} and serves it at {@code http://server.host:metrics.port/metrics}
     * (unless {@code metrics.port} is 0) from just before the server accepts calls until after it has
     * drained.
     */
    public Builder serveMetrics(PrometheusMeterRegistry registry) {
      this.meterRegistry = registry;
      this.scrapedRegistry = registry;
      return this;
    }

    /** A dependency whose failure turns health NOT_SERVING; run every {@code health.check-interval}. */
    public Builder healthCheck(HealthCheck check) {
      healthChecks.add(Objects.requireNonNull(check, "check"));
      return this;
    }

    /** Verifies bearer tokens for {@code @Secured} methods. */
    public Builder tokenVerifier(TokenVerifier tokenVerifier) {
      this.tokenVerifier = tokenVerifier;
      return this;
    }

    /** Keeps the token buckets of {@code @RateLimit} methods. */
    public Builder rateLimiterBackend(RateLimiterBackend rateLimiterBackend) {
      this.rateLimiterBackend = rateLimiterBackend;
      return this;
    }

    /**
     * The client identities allowed to call anything on this server, mesh services, health and
     * reflection alike (default: every caller). Keep the list to replace it at run time.
     */
    public Builder peerAllowList(PeerAllowList allowList) {
      this.peerAllowList = Objects.requireNonNull(allowList, "allowList");
      return this;
    }

    /**
     * Also tells {@code listeners} (e.g. the {@link dev.datapunk.mesh.runtime.security.AuditLog})
     * about every security decision; the decision meters are always told.
     */
    public Builder authDecisionListener(AuthDecisionListener.Factory listeners) {
      authDecisionListeners.add(Objects.requireNonNull(listeners, "listeners"));
      return this;
    }

    /** Something to close after the server has stopped (certificate reloaders, clients, ...). */
    public Builder closeOnShutdown(AutoCloseable resource) {
      resources.add(resource);
      return this;
    }

    /**
     * Something calls do not need, such as the JVM and process meters: {@link MeshServer#start()}
     * runs {@code starter} right after health turns SERVING and before it returns, so it does not
     * delay SERVING; what {@code starter} returns is closed after the server has stopped. Never use
     * it for anything a call goes through (keys, credentials, limiters, the call chain): SERVING
     * promises those are in place.
     */
    public Builder startAfterServing(Supplier<? extends AutoCloseable> starter) {
      afterServing.add(Objects.requireNonNull(starter, "starter"));
      return this;
    }

    public MeshServer build() {
      Objects.requireNonNull(credentials, "credentials");
      Objects.requireNonNull(meterRegistry, "meterRegistry");
      Objects.requireNonNull(tokenVerifier, "tokenVerifier");
      Objects.requireNonNull(rateLimiterBackend, "rateLimiterBackend");
      if (bindings.isEmpty()) {
        throw new IllegalStateException("no mesh services to serve");
      }
      try {
        return new MeshServer(this);
      } catch (RuntimeException | Error e) {
        // A server that cannot be built closes what was handed to it (the rate limiter's sweeper,
        // certificate reloaders, clients), so a rejected configuration leaves no threads behind.
        for (AutoCloseable resource : resources) {
          try {
            resource.close();
          } catch (Exception suppressed) {
            e.addSuppressed(suppressed);
          }
        }
        throw e;
      }
    }
  }
}
