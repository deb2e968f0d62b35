package dev.datapunk.mesh.runtime.server;

import dev.datapunk.mesh.runtime.MeshApplication;
import dev.datapunk.mesh.runtime.MeshModule;
import dev.datapunk.mesh.runtime.client.MeshChannels;
import dev.datapunk.mesh.runtime.config.ConfigException;
import dev.datapunk.mesh.runtime.config.ConfigWatcher;
import dev.datapunk.mesh.runtime.config.LoadedConfig;
import dev.datapunk.mesh.runtime.config.MeshConfig;
import dev.datapunk.mesh.runtime.config.ReloadTarget;
import dev.datapunk.mesh.runtime.files.FileWatcher;
import dev.datapunk.mesh.runtime.logging.LogLevels;
import dev.datapunk.mesh.runtime.logging.MeshLoggers;
import dev.datapunk.mesh.runtime.metrics.PrometheusRegistries;
import dev.datapunk.mesh.runtime.metrics.SystemMetrics;
import dev.datapunk.mesh.runtime.ratelimit.RateLimiterBackend;
import dev.datapunk.mesh.runtime.security.AuditLog;
import dev.datapunk.mesh.runtime.security.PeerAllowList;
import dev.datapunk.mesh.runtime.security.jwt.JwtTokenVerifier;
import dev.datapunk.mesh.runtime.settings.AppSettings;
import dev.datapunk.mesh.runtime.tls.ServerTls;
import dev.datapunk.mesh.runtime.tls.TlsMode;
import dev.datapunk.mesh.runtime.tracing.TracingClientInterceptor;
import dev.datapunk.mesh.runtime.tracing.TracingSettings;
import dev.datapunk.mesh.runtime.tracing.otlp.OtlpTracing;
import io.grpc.ClientInterceptor;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;

/**
 * Builds a {@link MeshServer} and its engines from configuration alone, as {@link MeshApplication}
 * runs it: the meter registry, transport credentials ({@link TransportSecurity}), the token
 * verifier ({@link TokenVerifiers}), the identity allow list and audit log, the rate limiter
 * ({@link RateLimiters}); the OpenTelemetry SDK when {@code tracing.enabled} ({@link OtlpTracing});
 * the application's own {@code app.*} settings ({@link AppSettings}); and the watcher that applies
 * changes of the configuration file to them. Each engine is made once, here, and handed to {@link
 * MeshServerBuilder}, the same path an embedding application takes with engines of its own.
 */
public final class ServerAssembly {

  private static final Logger log = MeshLoggers.getLogger(ServerAssembly.class);

  private ServerAssembly() {}

  /**
   * The server for {@code module} (its services, user stages, health checks and exception handlers)
   * as {@code loaded} configures it, not started yet.
   *
   * @throws ConfigException when a value is wrong in a way only the engines see (a metrics tag
   *     named like a mesh tag, an override of a method no service has)
   * @throws StartupException when a file cannot be read or a development key cannot be created
   */
  public static MeshServer assemble(LoadedConfig loaded, MeshModule module)
      throws StartupException {
    return assemble(loaded, () -> module);
  }

  /**
   * {@link #assemble(LoadedConfig, MeshModule)} with the module created after the {@code app.*}
   * settings and the mesh clients are in place, so that the services' constructors and factories
   * may read {@code AppSettings.current()} and {@code MeshChannels.current()}.
   *
   * @throws StartupException also when creating the module throws (the cause is logged)
   */
  public static MeshServer assemble(LoadedConfig loaded, Supplier<MeshModule> module)
      throws StartupException {
    MeshLoggers.apply(loaded.config().log());
    // One thread checks every watched file: certificates, the JWKS file, the configuration file.
    FileWatcher files = FileWatcher.start(FileWatcher.DEFAULT_INTERVAL);
    try {
      return assemble(loaded, module, files);
    } catch (StartupException | RuntimeException e) {
      files.close();
      throw e;
    }
  }

  private static MeshServer assemble(
      LoadedConfig loaded, Supplier<MeshModule> modules, FileWatcher files)
      throws StartupException {
    MeshConfig config = loaded.config();
    PrometheusMeterRegistry registry = meterRegistry(config);
    // What service code may read from its constructor on: app.* (AppSettings.current()) and the
    // calls to other mesh services, client.<name>.* (MeshChannels.current()).
    ReloadTarget appSettings = AppSettings.current().reloadTarget();
    appSettings.prepare(config).run();
    // The tracing SDK before the clients, whose calls it traces too.
    OtlpTracing tracing = config.tracing().enabled() ? startTracing(config.tracing()) : null;
    Optional<MeshChannels> clients;
    MeshModule module;
    try {
      List<ClientInterceptor> clientInterceptors =
          tracing == null
              ? List.of()
              : List.of(TracingClientInterceptor.of(tracing.openTelemetry()));
      clients =
          ConfiguredClients.start(config, registry, files, clientInterceptors)
              .map(MeshChannels::makeCurrent);
      module = create(modules, clients);
    } catch (StartupException | RuntimeException e) {
      if (tracing != null) {
        tracing.close();
      }
      throw e;
    }
    MeshServerBuilder builder = MeshServer.builder(config).module(module).serveMetrics(registry);
    builder.closeOnShutdown(files);
    clients.ifPresent(builder::closeOnShutdown);
    if (tracing != null) {
      // Closed with the other resources: after the drain, before the metrics endpoint.
      builder.closeOnShutdown(tracing);
      builder.openTelemetry(tracing.openTelemetry());
    }
    ServerTls tls = TransportSecurity.start(config, files, registry);
    builder.closeOnShutdown(tls);
    builder.credentials(tls.credentials(), config.tls().mode() == TlsMode.MTLS);
    JwtTokenVerifier verifier =
        TokenVerifiers.create(
            config,
            files,
            registry,
            builder::closeOnShutdown,
            DevTokenHint.commandLine(module.bindings()));
    builder.meshMeters().cachedTokens(verifier, JwtTokenVerifier::cacheOccupancy);
    builder.tokenVerifier(verifier);
    PeerAllowList allowList = new PeerAllowList(TransportSecurity.allowedIdentities(config));
    builder.peerAllowList(allowList);
    AuditLog audit = AuditLog.toSlf4j(config.auditAllowed());
    builder.authDecisionListener(audit);
    RateLimiterBackend rateLimiter =
        RateLimiters.create(config, builder.meshMeters(), builder::healthCheck);
    builder.closeOnShutdown(rateLimiter);
    builder.rateLimiterBackend(rateLimiter);
    // The JVM and process binders (~170 ms of class loading and MXBean look-ups) are not on any
    // call's path: bind them once the server is SERVING, before start() returns.
    builder.startAfterServing(() -> SystemMetrics.bindTo(registry));
    ServerWiring.Wired wired = builder.wire();
    ReloadTarget reload =
        ReloadTarget.all(
            List.of(
                ServerAssembly::logLevelReload,
                wired.limitReload(),
                new SecurityReload(
                    allowList, verifier, audit, TransportSecurity::allowedIdentities),
                new TracingReload(wired.tracing(), tracing),
                appSettings));
    wired.server().watchConfig(ConfigWatcher.start(loaded, reload, registry, files));
    return wired.server();
  }

  /**
   * The SDK exporting spans as {@code settings} say. The SDK and the OTLP exporter are optional
   * dependencies of the runtime, loaded here for the first time.
   *
   * @throws ConfigException naming {@code tracing.enabled} when they are not on the class path
   */
  private static OtlpTracing startTracing(TracingSettings settings) {
    try {
      return OtlpTracing.start(settings);
    } catch (NoClassDefFoundError e) {
      throw new ConfigException(
          "tracing.enabled: true needs io.opentelemetry:opentelemetry-sdk-trace and"
              + " io.opentelemetry:opentelemetry-exporter-otlp on the class path"
              + " (mesh-service-parent adds both; missing "
              + e.getMessage()
              + ")");
    }
  }

  /** The module {@code modules} creates; the clients are closed when that fails. */
  private static MeshModule create(Supplier<MeshModule> modules, Optional<MeshChannels> clients)
      throws StartupException {
    try {
      return modules.get();
    } catch (RuntimeException e) {
      clients.ifPresent(MeshChannels::close);
      log.error("Creating the services failed", e);
      throw new StartupException("creating the services failed: " + e, e);
    }
  }

  /** Where reloaded {@code log.level} and {@code log.levels.*} go. */
  private static Runnable logLevelReload(MeshConfig next) {
    LogLevels levels = next.log();
    return () -> MeshLoggers.apply(levels);
  }

  private static PrometheusMeterRegistry meterRegistry(MeshConfig config) {
    try {
      return PrometheusRegistries.create(config.metrics());
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage());
    }
  }
}
