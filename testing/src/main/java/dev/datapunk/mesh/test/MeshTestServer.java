package dev.datapunk.mesh.test;

import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import dev.datapunk.mesh.runtime.MeshBinding;
import dev.datapunk.mesh.runtime.MeshModule;
import dev.datapunk.mesh.runtime.config.ConfigException;
import dev.datapunk.mesh.runtime.config.ConfigKeys;
import dev.datapunk.mesh.runtime.config.ConfigLoader;
import dev.datapunk.mesh.runtime.config.LoadedConfig;
import dev.datapunk.mesh.runtime.config.MeshConfig;
import dev.datapunk.mesh.runtime.config.RateLimitBackend;
import dev.datapunk.mesh.runtime.logging.MeshLoggers;
import dev.datapunk.mesh.runtime.metrics.PrometheusRegistries;
import dev.datapunk.mesh.runtime.ratelimit.LocalRateLimiterBackend;
import dev.datapunk.mesh.runtime.security.AuditLog;
import dev.datapunk.mesh.runtime.security.PeerAllowList;
import dev.datapunk.mesh.runtime.security.jwt.DevSigningKey;
import dev.datapunk.mesh.runtime.security.jwt.JwtTokenVerifier;
import dev.datapunk.mesh.runtime.server.MeshServer;
import dev.datapunk.mesh.runtime.server.MeshServerBuilder;
import dev.datapunk.mesh.runtime.settings.AppSettings;
import dev.datapunk.mesh.runtime.tls.AllowedIdentities;
import dev.datapunk.mesh.runtime.tls.TlsMode;
import io.grpc.Channel;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.stub.AbstractStub;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Mesh services served in-process behind the same call chain as in production, for tests: the
 * server {@link MeshServer#builder} wires from a {@link MeshModule} (metrics with the exception
 * handlers, identity allow list, authentication, authorization, rate limit, adaptive limit, request
 * parsing, the module's own stages, in that order), reached through grpc-java's in-process
 * transport instead of Netty. No port, no TLS material, no file.
 *
 * <p>What stands in for the production engines:
 *
 * <ul>
 *   <li>tokens: a signing key made for this server and held in memory; {@link #token} mints tokens
 *       with it and the server trusts nothing else ({@code auth.jwt.jwks} is not read; issuer,
 *       audience, skew and algorithms of {@code auth.jwt.*} apply);
 *   <li>peer identities: with {@code tls.mode=mtls} (the default) every connection carries a
 *       verified client certificate, as over mTLS: {@link #DEFAULT_PEER} unless a {@link
 *       Caller#withPeer caller names another}. It is set on the connection, never read from a
 *       header;
 *   <li>time: a {@link TestClock} that stands still until advanced; the rate limiter's buckets
 *       refill by it and tokens expire by it;
 *   <li>rate limits: the in-process backend ({@code ratelimit.backend=local} only);
 *   <li>meters: a Prometheus registry configured by {@code metrics.*}, read with {@link #meters()},
 *       {@link #scrape()} and {@link #calls}; not served on a port;
 *   <li>traces: only with an {@code OpenTelemetry} of the test's own ({@link
 *       Builder#openTelemetry}); {@code tracing.enabled} and mesh clients ({@code client.<name>.*})
 *       are refused.
 * </ul>
 *
 * <p>Configuration is loaded as the generated main loads it, from the {@linkplain Builder#args
 * arguments} and the {@linkplain Builder#env environment} given (none of the process's own), except
 * that {@code mesh.yaml} is not looked for: a file is read only when {@code --config} names one.
 * {@code app.*} settings reach {@link AppSettings#current()}.
 *
 * <p>Most tests use it through {@link MeshTestExtension}. Closing it closes the channels, then the
 * server (gracefully, as in production), and everything it made.
 */
public final class MeshTestServer implements AutoCloseable {

  /** The identity of callers that name none, under {@code tls.mode=mtls}. */
  public static final String DEFAULT_PEER = "spiffe://mesh.test/client";

  /** The deadline of a call made through a {@link Caller} that sets none. */
  public static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(10);

  /** The lifetime of tokens minted by {@link #token(String, String...)}. */
  public static final Duration DEFAULT_TOKEN_LIFETIME = Duration.ofHours(1);

  private final MeshConfig config;
  private final TestClock clock;
  private final ECKey signingKey;
  private final PrometheusMeterRegistry registry;
  private final InProcessListeners listeners;
  private final MeshServer server;
  private final Optional<String> defaultPeer;
  private final Duration deadline;
  private final Map<Optional<String>, ManagedChannel> channels = new LinkedHashMap<>();
  private boolean closed;

  private MeshTestServer(Builder builder) {
    this.config = load(builder);
    PeerAllowList allowList = new PeerAllowList(allowedIdentities(config));
    this.registry = meterRegistry(config);
    MeshLoggers.apply(config.log());
    // As the generated main does: app.* is readable before the services are created.
    AppSettings.current().reloadTarget().prepare(config).run();
    MeshModule module =
        Objects.requireNonNull(builder.module.get(), "the module supplier returned null");
    this.clock = new TestClock(builder.clockStart);
    this.deadline = builder.deadline;
    this.signingKey = DevSigningKey.newSigningKey();
    JWKSet trusted = new JWKSet(signingKey.toPublicJWK());
    JwtTokenVerifier verifier = new JwtTokenVerifier(() -> trusted, config.jwt(), clock);
    LocalRateLimiterBackend limiter =
        LocalRateLimiterBackend.builder()
            .clock(clock)
            .maxClients(config.rateLimit().maxClients())
            .build();
    boolean mtls = config.tls().mode() == TlsMode.MTLS;
    this.defaultPeer = mtls ? Optional.of(DEFAULT_PEER) : Optional.empty();
    this.listeners = new InProcessListeners("mesh-test-" + UUID.randomUUID());
    MeshServerBuilder meshBuilder =
        MeshServer.builder(config)
            .module(module)
            .transport(listeners)
            .credentials(InsecureServerCredentials.create(), mtls)
            .meterRegistry(registry)
            .tokenVerifier(verifier)
            .rateLimiterBackend(limiter)
            .peerAllowList(allowList)
            .authDecisionListener(AuditLog.toSlf4j(config.auditAllowed()))
            .closeOnShutdown(limiter);
    if (builder.openTelemetry != null) {
      meshBuilder.openTelemetry(builder.openTelemetry);
    }
    this.server = meshBuilder.build();
    server.meshMeters().cachedTokens(verifier, JwtTokenVerifier::cacheOccupancy);
    server
        .meshMeters()
        .rateLimitClients(limiter.name(), limiter, LocalRateLimiterBackend::trackedClients);
    listeners.nameFor(defaultPeer);
    server.start();
  }

  /**
   * Starts configuring a server for {@code module}: the generated {@code MeshMain.module()}, or one
   * of test doubles.
   */
  public static Builder builder(MeshModule module) {
    Objects.requireNonNull(module, "module");
    return new Builder(() -> module);
  }

  /**
   * Starts configuring a server for the module {@code modules} creates once the configuration is
   * loaded, as the generated main does with {@code MeshMain::module}: services may then read {@code
   * app.*} ({@link AppSettings#current()}) from their constructors.
   */
  public static Builder builder(Supplier<MeshModule> modules) {
    return new Builder(Objects.requireNonNull(modules, "modules"));
  }

  /**
   * Starts configuring a server for {@code bindings} alone (no user stages, health checks or global
   * handlers).
   */
  public static Builder builder(List<? extends MeshBinding> bindings) {
    return builder(MeshModule.of(bindings));
  }

  private static MeshConfig load(Builder builder) {
    LoadedConfig loaded =
        ConfigLoader.loadNamedFileOnly(
            builder.args.toArray(String[]::new), builder.env, Path.of(""));
    if (loaded.helpRequested() || !loaded.arguments().isEmpty()) {
      throw new ConfigException(
          "mesh test server: arguments are --key=value options only (got " + builder.args + ")");
    }
    MeshConfig config = loaded.config();
    if (config.rateLimit().backend() != RateLimitBackend.LOCAL) {
      throw new ConfigException(
          ConfigKeys.RATELIMIT_BACKEND
              + ": the mesh test server keeps rate limits in process,"
              + " on its test clock; "
              + config.rateLimit().backend().name().toLowerCase(Locale.ROOT)
              + " (from "
              + config.sourceOf(ConfigKeys.RATELIMIT_BACKEND)
              + ") is not supported");
    }
    if (config.tracing().enabled()) {
      throw new ConfigException(
          ConfigKeys.TRACING_ENABLED
              + ": the mesh test server exports no spans (from "
              + config.sourceOf(ConfigKeys.TRACING_ENABLED)
              + "); give it an OpenTelemetry of your own with"
              + " Builder.openTelemetry to see its spans");
    }
    if (!config.clients().isEmpty()) {
      throw new ConfigException(
          "client."
              + config.clients().keySet().iterator().next()
              + ".*: the mesh test server starts no mesh clients; hand a service that calls others"
              + " its own MeshChannels (MeshChannels.builder())");
    }
    return config;
  }

  private static PrometheusMeterRegistry meterRegistry(MeshConfig config) {
    try {
      return PrometheusRegistries.create(config.metrics());
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage());
    }
  }

  private static AllowedIdentities allowedIdentities(MeshConfig config) {
    try {
      return AllowedIdentities.of(config.tls().allowedIdentities());
    } catch (IllegalArgumentException e) {
      throw new ConfigException(ConfigKeys.TLS_ALLOWED_IDENTITIES + ": " + e.getMessage());
    }
  }

  /** The running server: its meters, calls in flight, service names; closing it stops serving. */
  public MeshServer meshServer() {
    return server;
  }

  /** The configuration the server runs with. */
  public MeshConfig config() {
    return config;
  }

  /** The clock of the rate limits and tokens; it moves only when advanced. */
  public TestClock clock() {
    return clock;
  }

  /**
   * A token for {@code subject} granting {@code scopes}, issued now by the {@linkplain #clock()
   * test clock} and valid for {@link #DEFAULT_TOKEN_LIFETIME}, signed with the key this server
   * trusts.
   */
  public String token(String subject, String... scopes) {
    return tokenFor(subject).scopes(scopes).mint();
  }

  /**
   * A token to describe further (scopes, lifetime, issue time, issuer, audience) before {@link
   * TokenBuilder#mint()}.
   */
  public TokenBuilder tokenFor(String subject) {
    return new TokenBuilder(signingKey, clock, config.jwt(), subject);
  }

  /**
   * The default caller: {@link #DEFAULT_PEER} under {@code tls.mode=mtls} (else no certificate), no
   * token, calls with {@link Builder#deadline the default deadline}.
   */
  public Caller caller() {
    return new Caller(this, defaultPeer, null, deadline);
  }

  /** The default caller sending {@code authorization: Bearer token}. */
  public Caller withToken(String token) {
    return caller().withToken(token);
  }

  /** The default caller connected as {@code identity}, as if its client certificate named it. */
  public Caller withPeer(String identity) {
    return caller().withPeer(identity);
  }

  /** A stub of the default caller, e.g. {@code stub(InventoryServiceGrpc::newBlockingStub)}. */
  public <S extends AbstractStub<S>> S stub(Function<? super Channel, S> newStub) {
    return caller().stub(newStub);
  }

  /** The default caller's channel. */
  public Channel channel() {
    return caller().channel();
  }

  /** The registry holding every meter of the server, as the Prometheus endpoint would serve it. */
  public MeterRegistry meters() {
    return registry;
  }

  /** The Prometheus text the server's {@code /metrics} endpoint would answer now. */
  public String scrape() {
    return registry.scrape();
  }

  /**
   * How many calls of {@code fullMethodName} (e.g. {@code
   * datapunk.inventory.v1.InventoryService/GetItem}) ended with {@code code}, as the server's
   * {@code grpc.server.processing.duration} timer counted them; rejected calls count with the
   * status their client saw.
   */
  public long calls(String fullMethodName, Status.Code code) {
    int slash = fullMethodName.lastIndexOf('/');
    if (slash <= 0) {
      throw new IllegalArgumentException(
          "not a full method name (service/Method): " + fullMethodName);
    }
    Timer timer =
        registry
            .find("grpc.server.processing.duration")
            .tag("service", fullMethodName.substring(0, slash))
            .tag("method", fullMethodName.substring(slash + 1))
            .tag("statusCode", code.name())
            .timer();
    return timer == null ? 0 : timer.count();
  }

  /** The channel connected as {@code peer}, opened on first use. */
  synchronized ManagedChannel channelFor(Optional<String> peer) {
    if (closed) {
      throw new IllegalStateException("the mesh test server is closed");
    }
    if (peer.isPresent() && defaultPeer.isEmpty()) {
      throw new IllegalStateException(
          "a peer identity needs tls.mode=mtls (is "
              + config.tls().mode().name().toLowerCase(Locale.ROOT)
              + ", from "
              + config.sourceOf(ConfigKeys.TLS_MODE)
              + "): without client certificates a caller has none");
    }
    return channels.computeIfAbsent(
        peer, p -> InProcessChannelBuilder.forName(listeners.nameFor(p)).build());
  }

  /** Whether {@link #close()} has run. */
  public synchronized boolean isClosed() {
    return closed;
  }

  /**
   * Closes the channels (cancelling calls still open), then the server as in production (health
   * NOT_SERVING, drain within {@code server.shutdown-grace}), then its engines. Safe to call twice.
   */
  @Override
  public void close() {
    List<ManagedChannel> open;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      open = new ArrayList<>(channels.values());
    }
    open.forEach(ManagedChannel::shutdownNow);
    try {
      server.close();
    } finally {
      for (ManagedChannel channel : open) {
        try {
          channel.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }

  @Override
  public String toString() {
    return "MeshTestServer[" + server.serviceNames() + ", " + listeners + "]";
  }

  /** Configures a {@link MeshTestServer}. */
  public static final class Builder {
    private final Supplier<MeshModule> module;
    private final List<String> args = new ArrayList<>();
    private Map<String, String> env = Map.of();
    private Duration deadline = DEFAULT_DEADLINE;
    private Instant clockStart = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    private OpenTelemetry openTelemetry;

    private Builder(Supplier<MeshModule> module) {
      this.module = module;
    }

    /**
     * Command-line options, as the generated main takes them: {@code --key=value}, e.g. {@code
     * --ratelimit.override.datapunk.inventory.v1.InventoryService/PutItem.rps=1} or {@code
     * --app.greeting=Hi}.
     */
    public Builder args(String... args) {
      this.args.addAll(List.of(args));
      return this;
    }

    /** The environment the configuration sees ({@code MESH_*} variables); empty unless set. */
    public Builder env(Map<String, String> env) {
      this.env = Map.copyOf(env);
      return this;
    }

    /** The deadline of calls that set none ({@link #DEFAULT_DEADLINE} unless set). */
    public Builder deadline(Duration deadline) {
      Objects.requireNonNull(deadline, "deadline");
      if (deadline.isNegative() || deadline.isZero()) {
        throw new IllegalArgumentException("deadline must be positive (was " + deadline + ")");
      }
      this.deadline = deadline;
      return this;
    }

    /**
     * Traces every call of the mesh services with {@code openTelemetry}, as {@code tracing.enabled}
     * does in production with the OTLP exporter; e.g. an SDK whose exporter keeps spans in memory.
     */
    public Builder openTelemetry(OpenTelemetry openTelemetry) {
      this.openTelemetry = Objects.requireNonNull(openTelemetry, "openTelemetry");
      return this;
    }

    /**
     * Where the {@link TestClock} starts; unless set, now in whole seconds, the precision of token
     * times, so a token's {@code exp} is exactly its issue time plus its lifetime.
     */
    public Builder clockStart(Instant start) {
      this.clockStart = Objects.requireNonNull(start, "start");
      return this;
    }

    /**
     * Loads the configuration, builds and starts the server.
     *
     * @throws ConfigException for an unknown key, a bad value or a setting the kit cannot honour
     *     ({@code ratelimit.backend=redis}); the message names the key
     */
    public MeshTestServer start() {
      return new MeshTestServer(this);
    }
  }
}
