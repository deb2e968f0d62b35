package dev.datapunk.mesh.runtime.server;

import dev.datapunk.mesh.runtime.MeshBinding;
import dev.datapunk.mesh.runtime.MeshModule;
import dev.datapunk.mesh.runtime.chain.CallStage;
import dev.datapunk.mesh.runtime.config.MeshConfig;
import dev.datapunk.mesh.runtime.errors.ExceptionHandlers;
import dev.datapunk.mesh.runtime.health.HealthCheck;
import dev.datapunk.mesh.runtime.metrics.MeshMeters;
import dev.datapunk.mesh.runtime.ratelimit.RateLimiterBackend;
import dev.datapunk.mesh.runtime.security.AuthDecisionListener;
import dev.datapunk.mesh.runtime.security.PeerAllowList;
import dev.datapunk.mesh.runtime.security.TokenVerifier;
import dev.datapunk.mesh.runtime.tls.AllowedIdentities;
import io.grpc.ServerCredentials;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Assembles a {@link MeshServer} from engines made by the caller: the embedding path with full
 * control ({@link MeshServer#builder}). The settings of the server itself ({@code server.*}, {@code
 * health.*}, {@code reflection.*}, {@code metrics.port}, {@code ratelimit.override.*}, {@code
 * limits.adaptive.*}) still come from the configuration it was started with.
 *
 * <p>Required: {@link #module} or {@link #bindings}, {@link #credentials}, {@link #meterRegistry}
 * (or {@link #serveMetrics}), {@link #tokenVerifier} and {@link #rateLimiterBackend}.
 */
public final class MeshServerBuilder {
  // Read by ServerWiring and MeshServer, which build the server from them.
  final MeshConfig config;
  final List<MeshBinding> bindings = new ArrayList<>();
  final List<AutoCloseable> resources = new ArrayList<>();
  final List<Supplier<? extends AutoCloseable>> afterServing = new ArrayList<>();
  final List<HealthCheck> healthChecks = new ArrayList<>();
  final List<AuthDecisionListener.Factory> authDecisionListeners = new ArrayList<>();
  final List<CallStage> userStages = new ArrayList<>();
  ExceptionHandlers exceptionHandlers = ExceptionHandlers.none();
  ServerCredentials credentials;
  boolean transportIdentities;
  MeterRegistry meterRegistry;
  PrometheusMeterRegistry scrapedRegistry;
  TokenVerifier tokenVerifier;
  RateLimiterBackend rateLimiterBackend;
  PeerAllowList peerAllowList = new PeerAllowList(AllowedIdentities.allowAll());
  ServerTransport transport = NettyServers::build;
  OpenTelemetry openTelemetry;
  private MeshMeters meshMeters;

  MeshServerBuilder(MeshConfig config) {
    this.config = Objects.requireNonNull(config, "config");
  }

  /**
   * Adds everything {@code module} holds: its mesh services, its user stages (innermost, just above
   * each service, in the module's order), its health checks and its global exception handlers
   * (replacing any set before).
   */
  public MeshServerBuilder module(MeshModule module) {
    bindings(module.bindings());
    userStages.addAll(module.stages());
    module.healthChecks().forEach(this::healthCheck);
    exceptionHandlers = module.exceptionHandlers();
    return this;
  }

  /** Adds mesh services, usually the generated bootstrap's {@code bindings()}. */
  public MeshServerBuilder bindings(List<? extends MeshBinding> bindings) {
    this.bindings.addAll(bindings);
    return this;
  }

  /**
   * The transport credentials. {@code transportIdentities} says whether clients present
   * certificates (mTLS), so methods without a token still learn the peer identity.
   */
  public MeshServerBuilder credentials(ServerCredentials credentials, boolean transportIdentities) {
    this.credentials = credentials;
    this.transportIdentities = transportIdentities;
    return this;
  }

  /**
   * The transport calls arrive through (default: Netty on {@code server.host:server.port} with the
   * {@link #credentials}). The call chain, health, reflection, executors and message limits are the
   * same on every transport; see {@link ServerTransport}.
   */
  public MeshServerBuilder transport(ServerTransport transport) {
    this.transport = Objects.requireNonNull(transport, "transport");
    return this;
  }

  /** Where the per-method meters go. */
  public MeshServerBuilder meterRegistry(MeterRegistry meterRegistry) {
    this.meterRegistry = Objects.requireNonNull(meterRegistry, "meterRegistry");
    this.meshMeters = new MeshMeters(meterRegistry);
    return this;
  }

  /**
   * Records into {@code registry} and serves it at {@code http://server.host:metrics.port/metrics}
   * (unless {@code metrics.port} is 0) from just before the server accepts calls until after it has
   * drained.
   */
  public MeshServerBuilder serveMetrics(PrometheusMeterRegistry registry) {
    meterRegistry(registry);
    this.scrapedRegistry = registry;
    return this;
  }

  /**
   * A dependency whose failure turns health NOT_SERVING; run every {@code health.check-interval}.
   */
  public MeshServerBuilder healthCheck(HealthCheck check) {
    healthChecks.add(Objects.requireNonNull(check, "check"));
    return this;
  }

  /** Verifies bearer tokens for {@code @Secured} methods. */
  public MeshServerBuilder tokenVerifier(TokenVerifier tokenVerifier) {
    this.tokenVerifier = tokenVerifier;
    return this;
  }

  /** Keeps the token buckets of {@code @RateLimit} methods. */
  public MeshServerBuilder rateLimiterBackend(RateLimiterBackend rateLimiterBackend) {
    this.rateLimiterBackend = rateLimiterBackend;
    return this;
  }

  /**
   * The client identities allowed to call anything on this server, mesh services, health and
   * reflection alike (default: every caller). Keep the list to replace it at run time.
   */
  public MeshServerBuilder peerAllowList(PeerAllowList allowList) {
    this.peerAllowList = Objects.requireNonNull(allowList, "allowList");
    return this;
  }

  /**
   * Also tells {@code listeners} (e.g. the {@link dev.datapunk.mesh.runtime.security.AuditLog})
   * about every security decision; the decision meters are always told.
   */
  public MeshServerBuilder authDecisionListener(AuthDecisionListener.Factory listeners) {
    authDecisionListeners.add(Objects.requireNonNull(listeners, "listeners"));
    return this;
  }

  /**
   * Traces every call of the mesh services with {@code openTelemetry}: its tracer makes one {@code
   * SERVER} span per call and its text-map propagator continues the caller's trace from the request
   * headers (see {@link dev.datapunk.mesh.runtime.tracing.TracingStage}); {@code
   * tracing.record-identity} still comes from the configuration. Without it no call is traced and
   * no tracing stage exists. The application keeps the SDK: flush and close it after the server.
   */
  public MeshServerBuilder openTelemetry(OpenTelemetry openTelemetry) {
    this.openTelemetry = Objects.requireNonNull(openTelemetry, "openTelemetry");
    return this;
  }

  /** Something to close after the server has stopped (certificate reloaders, clients, ...). */
  public MeshServerBuilder closeOnShutdown(AutoCloseable resource) {
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
  public MeshServerBuilder startAfterServing(Supplier<? extends AutoCloseable> starter) {
    afterServing.add(Objects.requireNonNull(starter, "starter"));
    return this;
  }

  /**
   * Builds the server: each mesh service behind its call chain, health and reflection, the thread
   * pools and the grpc-java server of the {@link #transport}. Nothing listens until {@link
   * MeshServer#start()}.
   *
   * @throws dev.datapunk.mesh.runtime.config.ConfigException when a per-method setting of the
   *     configuration ({@code ratelimit.override.*}, {@code limits.adaptive.reserved.*}) names a
   *     method no mesh service has; everything handed to {@link #closeOnShutdown} is closed then
   */
  public MeshServer build() {
    return wire().server();
  }

  /** The server and where reloaded settings of its limits go, for {@link ServerAssembly}. */
  ServerWiring.Wired wire() {
    Objects.requireNonNull(credentials, "credentials");
    Objects.requireNonNull(meterRegistry, "meterRegistry");
    Objects.requireNonNull(tokenVerifier, "tokenVerifier");
    Objects.requireNonNull(rateLimiterBackend, "rateLimiterBackend");
    if (bindings.isEmpty()) {
      throw new IllegalStateException("no mesh services to serve");
    }
    try {
      return ServerWiring.wire(this);
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

  /**
   * The server's one set of decision meters, in the registry set by {@link #meterRegistry} or
   * {@link #serveMetrics}.
   */
  MeshMeters meshMeters() {
    return Objects.requireNonNull(meshMeters, "meterRegistry");
  }
}
