package dev.datapunk.mesh.runtime;

import dev.datapunk.mesh.runtime.config.ConfigException;
import dev.datapunk.mesh.runtime.config.ConfigKeys;
import dev.datapunk.mesh.runtime.config.ConfigWatcher;
import dev.datapunk.mesh.runtime.config.FileWatcher;
import dev.datapunk.mesh.runtime.config.LoadedConfig;
import dev.datapunk.mesh.runtime.config.ReloadTarget;
import dev.datapunk.mesh.runtime.config.JwksLocation;
import dev.datapunk.mesh.runtime.config.MeshConfig;
import dev.datapunk.mesh.runtime.config.RateLimitBackend;
import dev.datapunk.mesh.runtime.config.RedisFailureMode;
import dev.datapunk.mesh.runtime.health.HealthCheck;
import dev.datapunk.mesh.runtime.logging.LogLevels;
import dev.datapunk.mesh.runtime.logging.MeshLoggers;
import dev.datapunk.mesh.runtime.ratelimit.LocalRateLimiterBackend;
import dev.datapunk.mesh.runtime.ratelimit.RateLimiterBackend;
import dev.datapunk.mesh.runtime.ratelimit.redis.RedisRateLimiterBackend;
import dev.datapunk.mesh.runtime.security.AuditLog;
import dev.datapunk.mesh.runtime.security.PeerAllowList;
import dev.datapunk.mesh.runtime.security.jwt.DevSigningKey;
import dev.datapunk.mesh.runtime.security.jwt.JwkSetSource;
import dev.datapunk.mesh.runtime.security.jwt.JwksFileSource;
import dev.datapunk.mesh.runtime.security.jwt.JwksTrust;
import dev.datapunk.mesh.runtime.security.jwt.JwksUrlSource;
import dev.datapunk.mesh.runtime.security.jwt.JwtSettings;
import dev.datapunk.mesh.runtime.security.jwt.JwtTokenVerifier;
import dev.datapunk.mesh.runtime.settings.AppSettings;
import dev.datapunk.mesh.runtime.tls.AllowedIdentities;
import dev.datapunk.mesh.runtime.tls.DevPki;
import dev.datapunk.mesh.runtime.tls.ServerTls;
import dev.datapunk.mesh.runtime.tls.ServerTlsConfig;
import dev.datapunk.mesh.runtime.tls.TlsMaterialException;
import dev.datapunk.mesh.runtime.config.TlsMode;
import dev.datapunk.mesh.runtime.metrics.MeshMeters;
import dev.datapunk.mesh.runtime.metrics.MetricsSettings;
import dev.datapunk.mesh.runtime.metrics.PrometheusRegistries;
import dev.datapunk.mesh.runtime.metrics.SystemMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;

/**
 * Builds a {@link MeshServer} and its engines from configuration: transport credentials (with the
 * development PKI when no files are configured), the token verifier (with the development signing
 * key when no JWKS is configured), the rate limiter (local, or shared through Redis) and the meter
 * registry; and the watcher that applies changes of the configuration file to them.
 */
final class ServerAssembly {

  private static final Logger log = MeshLoggers.getLogger(ServerAssembly.class);
  private static final Duration REDIS_HEALTH_TIMEOUT = Duration.ofSeconds(1);

  private ServerAssembly() {}

  static MeshServer assemble(LoadedConfig loaded, MeshModule module) throws StartupException {
    MeshLoggers.apply(logLevels(loaded.config()));
    // One thread checks every watched file: certificates, the JWKS file, the configuration file.
    FileWatcher files = FileWatcher.start(FileWatcher.DEFAULT_INTERVAL);
    try {
      return assemble(loaded, module, files);
    } catch (StartupException | RuntimeException e) {
      files.close();
      throw e;
    }
  }

  private static MeshServer assemble(LoadedConfig loaded, MeshModule module, FileWatcher files)
      throws StartupException {
    MeshConfig config = loaded.config();
    PrometheusMeterRegistry registry = meterRegistry(config);
    MeshMeters meters = new MeshMeters(registry);
    MeshServer.Builder builder = MeshServer.builder(config).module(module);
    builder.closeOnShutdown(files);
    // Calls to other mesh services (client.<name>.*): MeshChannels.current() for service code.
    ConfiguredClients.start(config, registry, files).ifPresent(clients -> builder.closeOnShutdown(clients.makeCurrent()));
    ServerTls tls = transport(config, files, registry);
    builder.closeOnShutdown(tls);
    builder.credentials(tls.credentials(), config.tlsMode() == TlsMode.MTLS);
    JwtTokenVerifier verifier = tokenVerifier(config, builder, files, registry, DevTokenHint.commandLine(module.bindings()));
    meters.cachedTokens(verifier, JwtTokenVerifier::cacheOccupancy);
    builder.tokenVerifier(verifier);
    PeerAllowList allowList = new PeerAllowList(allowedIdentities(config));
    builder.peerAllowList(allowList);
    AuditLog audit = AuditLog.toSlf4j(config.auditAllowed());
    builder.authDecisionListener(audit);
    RateLimiterBackend rateLimiter = rateLimiter(config, builder, meters);
    builder.closeOnShutdown(rateLimiter);
    builder.rateLimiterBackend(rateLimiter);
    builder.serveMetrics(registry);
    // The JVM and process binders (~170 ms of class loading and MXBean look-ups) are not on any
    // call's path: bind them once the server is SERVING, before start() returns.
    builder.startAfterServing(() -> SystemMetrics.bindTo(registry));
    MeshServer server = builder.build();
    // app.* for service code: readable through AppSettings.current() before the server starts.
    ReloadTarget appSettings = AppSettings.current().reloadTarget();
    appSettings.prepare(config).run();
    ReloadTarget reload = ReloadTarget.all(List.of(
        ServerAssembly::logLevelReload,
        server.rateLimitReload(),
        server.adaptiveLimitReload(),
        new SecurityReload(allowList, verifier, audit, ServerAssembly::allowedIdentities),
        appSettings));
    server.watchConfig(ConfigWatcher.start(loaded, reload, registry, files));
    return server;
  }

  /** The thresholds of the mesh's loggers from {@code log.level} and {@code log.levels.*}. */
  static LogLevels logLevels(MeshConfig config) {
    return LogLevels.of(config.logLevel(), config.logLevels());
  }

  private static Runnable logLevelReload(MeshConfig next) {
    LogLevels levels = logLevels(next);
    return () -> MeshLoggers.apply(levels);
  }

  private static PrometheusMeterRegistry meterRegistry(MeshConfig config) {
    try {
      return PrometheusRegistries.create(
          new MetricsSettings(config.metricsHistogram(), config.metricsSlo(), config.metricsTags()));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage());
    }
  }

  private static ServerTls transport(MeshConfig config, FileWatcher watcher, PrometheusMeterRegistry registry)
      throws StartupException {
    ServerTlsConfig tlsConfig = switch (config.tlsMode()) {
      case PLAINTEXT -> ServerTlsConfig.plaintext();
      case TLS -> {
        Material files = material(config, false);
        yield ServerTlsConfig.tls(files.cert, files.key);
      }
      case MTLS -> {
        Material files = material(config, true);
        yield ServerTlsConfig.mtls(files.cert, files.key, files.ca);
      }
    };
    try {
      return ServerTls.start(tlsConfig.withListener(FileReloadMeters.tls(registry)), watcher);
    } catch (TlsMaterialException e) {
      throw new StartupException("tls: " + e.getMessage(), e);
    }
  }

  private record Material(Path cert, Path key, Path ca) {}

  /** The configured PEM files, or the development PKI when none is configured. */
  private static Material material(MeshConfig config, boolean needsCa) throws StartupException {
    Optional<Path> cert = config.tlsCert();
    Optional<Path> key = config.tlsKey();
    Optional<Path> ca = config.tlsCa();
    if (cert.isEmpty() && key.isEmpty() && ca.isEmpty()) {
      try {
        DevPki.Material dev = DevPki.ensure(config.devDir());
        log.warn("tls.cert, tls.key and tls.ca are unset: using the DEVELOPMENT PKI in {}, not for production",
            dev.caCert().getParent());
        return new Material(dev.serverCert(), dev.serverKey(), dev.caCert());
      } catch (IOException e) {
        throw new StartupException("dev.dir: cannot create the development PKI in " + config.devDir() + ": " + e.getMessage(), e);
      }
    }
    if (cert.isEmpty() || key.isEmpty() || (needsCa && ca.isEmpty())) {
      throw new StartupException("tls.cert, tls.key" + (needsCa ? " and tls.ca" : "")
          + " must be set together (tls.mode=" + config.tlsMode().name().toLowerCase(java.util.Locale.ROOT)
          + "); leave all unset to use the development PKI");
    }
    return new Material(cert.get(), key.get(), ca.orElse(null));
  }

  static AllowedIdentities allowedIdentities(MeshConfig config) {
    try {
      AllowedIdentities allowed = AllowedIdentities.of(config.allowedIdentities());
      if (!allowed.allowsAll()) {
        log.info("tls.allowed-identities: only client identities {} may call this server", allowed.entries());
      }
      return allowed;
    } catch (IllegalArgumentException e) {
      throw new ConfigException(ConfigKeys.TLS_ALLOWED_IDENTITIES + ": " + e.getMessage());
    }
  }

  private static JwtTokenVerifier tokenVerifier(MeshConfig config, MeshServer.Builder builder, FileWatcher files,
      PrometheusMeterRegistry registry, String devTokenCommand) throws StartupException {
    JwtSettings settings = JwtSettings.defaults()
        .withAllowedAlgorithms(new HashSet<>(config.jwtAlgorithms()))
        .withIssuer(config.jwtIssuer())
        .withAudience(config.jwtAudience())
        .withClockSkew(config.jwtClockSkew())
        .withCacheSize(config.jwtCacheSize());
    return new JwtTokenVerifier(keySource(config, builder, files, registry, devTokenCommand), settings);
  }

  /**
   * The token signing keys: the dev key, a JWKS file or an https JWKS URL. With the dev key, the
   * log says how to mint a token: {@code devTokenCommand} ({@link DevTokenHint}).
   */
  private static JwkSetSource keySource(MeshConfig config, MeshServer.Builder builder, FileWatcher files,
      PrometheusMeterRegistry registry, String devTokenCommand) throws StartupException {
    Optional<JwksLocation> location = config.jwks();
    if (location.isPresent() && location.get() instanceof JwksLocation.Url url) {
      return urlSource(url, config, builder);
    }
    Path jwksFile;
    if (location.isEmpty()) {
      try {
        DevSigningKey dev = DevSigningKey.ensure(config.devDir());
        jwksFile = dev.jwksFile();
        log.warn("Verifying tokens with the DEVELOPMENT signing key {} ({}): not for production; set auth.jwt.jwks."
            + " Mint a dev token by running this program with: {}",
            dev.keyFile(), dev.created() ? "created now" : "reused", devTokenCommand);
      } catch (IOException e) {
        throw new StartupException("dev.dir: cannot create the development signing key in " + config.devDir() + ": " + e.getMessage(), e);
      }
    } else {
      jwksFile = ((JwksLocation.File) location.get()).path();
    }
    try {
      JwksFileSource source = JwksFileSource.openForWatcher(jwksFile);
      files.watch("JWKS file " + jwksFile, source::checkForChange);
      FileReloadMeters.jwks(registry, source);
      return source;
    } catch (IOException e) {
      throw new StartupException("auth.jwt.jwks: cannot read " + jwksFile + ": " + e.getMessage(), e);
    }
  }

  private static JwksUrlSource urlSource(JwksLocation.Url url, MeshConfig config, MeshServer.Builder builder)
      throws StartupException {
    SSLContext trust;
    if (config.jwksCa().isPresent()) {
      try {
        trust = JwksTrust.fromCaFile(config.jwksCa().get());
      } catch (IOException e) {
        throw new StartupException("auth.jwt.jwks-ca: " + e.getMessage(), e);
      }
    } else {
      trust = JwksTrust.jdkDefault();
    }
    try {
      JwksUrlSource source = JwksUrlSource.open(url.uri(), trust, JwksUrlSource.Settings.defaults());
      builder.closeOnShutdown(source);
      return source;
    } catch (IOException e) {
      throw new StartupException("auth.jwt.jwks: " + e.getMessage(), e);
    }
  }

  /**
   * The configured rate-limit backend with its meters; for {@code redis} with failure mode {@code
   * deny}, also a health check, so that a server that refuses every limited call while Redis is down
   * says NOT_SERVING.
   */
  private static RateLimiterBackend rateLimiter(MeshConfig config, MeshServer.Builder builder, MeshMeters meters) {
    if (config.rateLimitBackend() == RateLimitBackend.REDIS) {
      RedisRateLimiterBackend redis = RedisRateLimiterBackend.builder(config.redisUris())
          .cluster(config.redisCluster())
          .prefix(config.redisPrefix())
          .timeout(config.redisTimeout())
          .failureMode(config.redisFailureMode())
          .breakerFailures(config.redisBreakerFailures())
          .breakerCoolDown(config.redisBreakerCoolDown())
          .fallbackMaxClients(config.rateLimitMaxClients())
          .build();
      meters.rateLimitFallbackTotal(redis.name(), redis, RedisRateLimiterBackend::fallbacks);
      if (config.redisFailureMode() == RedisFailureMode.DENY) {
        builder.healthCheck(HealthCheck.of("redis", () -> redis.isRedisReachable(REDIS_HEALTH_TIMEOUT)));
      }
      log.info("Rate limits are shared through {}", redis);
      return redis;
    }
    LocalRateLimiterBackend local = LocalRateLimiterBackend.builder().maxClients(config.rateLimitMaxClients()).build();
    meters.rateLimitClients(local.name(), local, LocalRateLimiterBackend::trackedClients);
    return local;
  }

  /** Start-up failed for a reason the operator can fix; the message names the key or file. */
  static final class StartupException extends Exception {
    private static final long serialVersionUID = 1L;

    StartupException(String message) {
      super(message);
    }

    StartupException(String message, Throwable cause) {
      super(message, cause);
    }

    static StartupException of(ConfigException e) {
      return new StartupException(e.getMessage(), e);
    }
  }
}
