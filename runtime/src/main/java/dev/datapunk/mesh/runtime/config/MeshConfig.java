package dev.datapunk.mesh.runtime.config;

import static dev.datapunk.mesh.runtime.config.ConfigKeys.APP;
import static dev.datapunk.mesh.runtime.config.ConfigKeys.AUTH_AUDIT_ALLOWED;
import static dev.datapunk.mesh.runtime.config.ConfigKeys.AUTH_JWT_ALGORITHMS;
import static dev.datapunk.mesh.runtime.config.ConfigKeys.AUTH_JWT_CACHE_SIZE;
import static dev.datapunk.mesh.runtime.config.ConfigKeys.AUTH_JWT_AUDIENCE;
import static dev.datapunk.mesh.runtime.config.ConfigKeys.AUTH_JWT_CLOCK_SKEW;
import static dev.datapunk.mesh.runtime.config.ConfigKeys.AUTH_JWT_ISSUER;
import static dev.datapunk.mesh.runtime.config.ConfigKeys.AUTH_JWT_JWKS;
import static dev.datapunk.mesh.runtime.config.ConfigKeys.AUTH_JWT_JWKS_CA;
import static dev.datapunk.mesh.runtime.config.ConfigKeys.DEV_DIR;
import static dev.datapunk.mesh.runtime.config.ConfigKeys.HEALTH_CHECK_INTERVAL;
import static dev.datapunk.mesh.runtime.config.ConfigKeys.HEALTH_ENABLED;
import static dev.datapunk.mesh.runtime.config.ConfigKeys.HEALTH_PORT;
import static dev.datapunk.mesh.runtime.config.ConfigKeys.METRICS_HISTOGRAM;
import static dev.datapunk.mesh.runtime.config.ConfigKeys.METRICS_PORT;
import static dev.datapunk.mesh.runtime.config.ConfigKeys.METRICS_SLO;
import static dev.datapunk.mesh.runtime.config.ConfigKeys.METRICS_TAGS;
import static dev.datapunk.mesh.runtime.config.ConfigKeys.LIMITS_ADAPTIVE_ENABLED;
import static dev.datapunk.mesh.runtime.config.ConfigKeys.LIMITS_ADAPTIVE_INITIAL_LIMIT;
import static dev.datapunk.mesh.runtime.config.ConfigKeys.LIMITS_ADAPTIVE_MAX_LIMIT;
import static dev.datapunk.mesh.runtime.config.ConfigKeys.LIMITS_ADAPTIVE_MIN_LIMIT;
import static dev.datapunk.mesh.runtime.config.ConfigKeys.LIMITS_ADAPTIVE_PER_METHOD;
import static dev.datapunk.mesh.runtime.config.ConfigKeys.LIMITS_ADAPTIVE_PUBLIC_RESERVED;
import static dev.datapunk.mesh.runtime.config.ConfigKeys.LIMITS_ADAPTIVE_RESERVED;
import static dev.datapunk.mesh.runtime.config.ConfigKeys.LOG_LEVEL;
import static dev.datapunk.mesh.runtime.config.ConfigKeys.LOG_LEVELS;
import static dev.datapunk.mesh.runtime.config.ConfigKeys.RATELIMIT_BACKEND;
import static dev.datapunk.mesh.runtime.config.ConfigKeys.RATELIMIT_MAX_CLIENTS;
import static dev.datapunk.mesh.runtime.config.ConfigKeys.RATELIMIT_OVERRIDE_BURST;
import static dev.datapunk.mesh.runtime.config.ConfigKeys.RATELIMIT_OVERRIDE_RPS;
import static dev.datapunk.mesh.runtime.config.ConfigKeys.RATELIMIT_REDIS_BREAKER_COOL_DOWN;
import static dev.datapunk.mesh.runtime.config.ConfigKeys.RATELIMIT_REDIS_BREAKER_FAILURES;
import static dev.datapunk.mesh.runtime.config.ConfigKeys.RATELIMIT_REDIS_CLUSTER;
import static dev.datapunk.mesh.runtime.config.ConfigKeys.RATELIMIT_REDIS_FAILURE_MODE;
import static dev.datapunk.mesh.runtime.config.ConfigKeys.RATELIMIT_REDIS_PREFIX;
import static dev.datapunk.mesh.runtime.config.ConfigKeys.RATELIMIT_REDIS_TIMEOUT;
import static dev.datapunk.mesh.runtime.config.ConfigKeys.RATELIMIT_REDIS_URI;
import static dev.datapunk.mesh.runtime.config.ConfigKeys.REFLECTION_ENABLED;
import static dev.datapunk.mesh.runtime.config.ConfigKeys.SERVER_COMPRESSION;
import static dev.datapunk.mesh.runtime.config.ConfigKeys.SERVER_HOST;
import static dev.datapunk.mesh.runtime.config.ConfigKeys.SERVER_KEEPALIVE_TIME;
import static dev.datapunk.mesh.runtime.config.ConfigKeys.SERVER_KEEPALIVE_TIMEOUT;
import static dev.datapunk.mesh.runtime.config.ConfigKeys.SERVER_MAX_CONCURRENT_CALLS_PER_CONNECTION;
import static dev.datapunk.mesh.runtime.config.ConfigKeys.SERVER_MAX_CONNECTION_AGE;
import static dev.datapunk.mesh.runtime.config.ConfigKeys.SERVER_MAX_CONNECTION_AGE_GRACE;
import static dev.datapunk.mesh.runtime.config.ConfigKeys.SERVER_MAX_CONNECTION_IDLE;
import static dev.datapunk.mesh.runtime.config.ConfigKeys.SERVER_MAX_INBOUND_MESSAGE_SIZE;
import static dev.datapunk.mesh.runtime.config.ConfigKeys.SERVER_MAX_INBOUND_METADATA_SIZE;
import static dev.datapunk.mesh.runtime.config.ConfigKeys.SERVER_PERMIT_KEEPALIVE_TIME;
import static dev.datapunk.mesh.runtime.config.ConfigKeys.SERVER_PORT;
import static dev.datapunk.mesh.runtime.config.ConfigKeys.SERVER_SHUTDOWN_DELAY;
import static dev.datapunk.mesh.runtime.config.ConfigKeys.SERVER_SHUTDOWN_GRACE;
import static dev.datapunk.mesh.runtime.config.ConfigKeys.SERVER_WORKER_THREADS;
import static dev.datapunk.mesh.runtime.config.ConfigKeys.TLS_ALLOWED_IDENTITIES;
import static dev.datapunk.mesh.runtime.config.ConfigKeys.TLS_CA;
import static dev.datapunk.mesh.runtime.config.ConfigKeys.TLS_CERT;
import static dev.datapunk.mesh.runtime.config.ConfigKeys.TLS_KEY;
import static dev.datapunk.mesh.runtime.config.ConfigKeys.TLS_MODE;

import dev.datapunk.mesh.runtime.client.ClientSettings;
import dev.datapunk.mesh.runtime.logging.LogLevel;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The effective configuration: immutable, typed, every value checked. Obtain it from {@link
 * ConfigLoader#load} or, for tests and tools, {@link #defaults()}.
 */
public final class MeshConfig {

  private final Map<String, Object> values;
  private final List<ConfigEntry> entries;
  private final Map<String, RateLimitOverride> rateLimitOverrides;
  private final Map<String, String> metricsTags;
  private final Map<String, Integer> adaptiveReserved;
  private final Map<String, LogLevel> logLevels;
  private final Map<String, String> appValues;

  MeshConfig(Map<String, ResolvedValue> resolved) {
    Map<String, Object> byKey = new HashMap<>();
    List<ConfigEntry> plain = new ArrayList<>();
    Map<String, ConfigEntry> inFamilies = new TreeMap<>();
    Map<String, RateLimitOverride> overrides = new TreeMap<>();
    Map<String, String> tags = new TreeMap<>();
    Map<String, Integer> reserved = new TreeMap<>();
    Map<String, LogLevel> levels = new TreeMap<>();
    Map<String, String> app = new TreeMap<>();
    for (ResolvedValue value : resolved.values()) {
      byKey.put(value.key(), value.value());
      if (ConfigKeys.byName(value.key()).isPresent()) {
        plain.add(value.entry());
      } else {
        inFamilies.put(value.key(), value.entry());
        collectFamilyMember(value, overrides, tags, reserved, levels, app);
      }
    }
    List<ConfigEntry> ordered = new ArrayList<>(plain);
    ordered.addAll(inFamilies.values());
    this.values = Map.copyOf(byKey);
    this.entries = List.copyOf(ordered);
    this.rateLimitOverrides = Collections.unmodifiableMap(overrides);
    this.metricsTags = Collections.unmodifiableMap(tags);
    this.adaptiveReserved = Collections.unmodifiableMap(reserved);
    this.logLevels = Collections.unmodifiableMap(levels);
    this.appValues = Collections.unmodifiableMap(app);
  }

  /** The built-in defaults, relative paths staying relative to the process's working directory. */
  public static MeshConfig defaults() {
    return new MeshConfig(SettingResolver.defaults(new ParseContext(Path.of(""))));
  }

  /** The value of any plain key. */
  public <T> T get(ConfigKey<T> key) {
    if (!values.containsKey(key.name())) {
      throw new IllegalArgumentException(key + " is not a key of ConfigKeys.ALL");
    }
    return key.cast(values.get(key.name()));
  }

  /**
   * Every effective value with its source: plain keys in {@link ConfigKeys#ALL} order, then keys of
   * families sorted by name.
   */
  public List<ConfigEntry> entries() {
    return entries;
  }

  /** The parsed value of {@code key} (a plain key or a member of a key family), or {@code null} when it is not set. */
  Object value(String key) {
    return values.get(key);
  }

  /** Where the value of {@code key} came from. */
  public ConfigSource sourceOf(ConfigKey<?> key) {
    return entries.stream()
        .filter(entry -> entry.key().equals(key.name()))
        .findFirst()
        .map(ConfigEntry::source)
        .orElseThrow(() -> new IllegalArgumentException(key + " is not a key of ConfigKeys.ALL"));
  }

  /** One line per effective value, {@code key=value (source)}, secret parts masked. */
  public String describe() {
    return entries.stream().map(ConfigEntry::toString).collect(Collectors.joining("\n"));
  }

  /** {@code server.host}: address the gRPC port binds to. */
  public String serverHost() {
    return get(SERVER_HOST);
  }

  /** {@code server.port}: 0 to 65535; 0 picks a free port. */
  public int serverPort() {
    return get(SERVER_PORT);
  }

  /** {@code server.max-inbound-message-size} in bytes. */
  public int maxInboundMessageSize() {
    return Math.toIntExact(get(SERVER_MAX_INBOUND_MESSAGE_SIZE));
  }

  /** {@code server.max-inbound-metadata-size} in bytes. */
  public int maxInboundMetadataSize() {
    return Math.toIntExact(get(SERVER_MAX_INBOUND_METADATA_SIZE));
  }

  /** {@code server.worker-threads}: at least 1. */
  public int workerThreads() {
    return get(SERVER_WORKER_THREADS);
  }

  /** {@code server.shutdown-grace}. */
  public Duration shutdownGrace() {
    return get(SERVER_SHUTDOWN_GRACE);
  }

  /** {@code server.shutdown-delay}: NOT_SERVING but still accepting calls, before the port closes. */
  public Duration shutdownDelay() {
    return get(SERVER_SHUTDOWN_DELAY);
  }

  /** {@code server.keepalive-time}. */
  public Duration keepAliveTime() {
    return get(SERVER_KEEPALIVE_TIME);
  }

  /** {@code server.keepalive-timeout}. */
  public Duration keepAliveTimeout() {
    return get(SERVER_KEEPALIVE_TIMEOUT);
  }

  /** {@code server.permit-keepalive-time}. */
  public Duration permitKeepAliveTime() {
    return get(SERVER_PERMIT_KEEPALIVE_TIME);
  }

  /** {@code server.max-connection-idle}; empty when off. */
  public Optional<Duration> maxConnectionIdle() {
    return get(SERVER_MAX_CONNECTION_IDLE);
  }

  /** {@code server.max-connection-age}; empty when off. */
  public Optional<Duration> maxConnectionAge() {
    return get(SERVER_MAX_CONNECTION_AGE);
  }

  /** {@code server.max-connection-age-grace}; empty when off (unlimited). */
  public Optional<Duration> maxConnectionAgeGrace() {
    return get(SERVER_MAX_CONNECTION_AGE_GRACE);
  }

  /** {@code server.max-concurrent-calls-per-connection}; empty when unlimited. */
  public OptionalInt maxConcurrentCallsPerConnection() {
    return get(SERVER_MAX_CONCURRENT_CALLS_PER_CONNECTION);
  }

  /** {@code server.compression}. */
  public Compression compression() {
    return get(SERVER_COMPRESSION);
  }

  /** {@code tls.mode}. */
  public TlsMode tlsMode() {
    return get(TLS_MODE);
  }

  /** {@code tls.cert}; empty means the development certificate. */
  public Optional<Path> tlsCert() {
    return get(TLS_CERT);
  }

  /** {@code tls.key}; empty means the development key. */
  public Optional<Path> tlsKey() {
    return get(TLS_KEY);
  }

  /** {@code tls.ca}; empty means the development CA. */
  public Optional<Path> tlsCa() {
    return get(TLS_CA);
  }

  /** {@code tls.allowed-identities}; empty allows every client with a trusted certificate. */
  public List<String> allowedIdentities() {
    return get(TLS_ALLOWED_IDENTITIES);
  }

  /** {@code auth.jwt.jwks}; empty means the development signing key. */
  public Optional<JwksLocation> jwks() {
    return get(AUTH_JWT_JWKS);
  }

  /** {@code auth.jwt.jwks-ca}; empty means the JDK's default trust store for an https JWKS URL. */
  public Optional<Path> jwksCa() {
    return get(AUTH_JWT_JWKS_CA);
  }

  /** {@code auth.jwt.issuer}; empty means not checked. */
  public Optional<String> jwtIssuer() {
    return get(AUTH_JWT_ISSUER);
  }

  /** {@code auth.jwt.audience}; empty means not checked. */
  public Optional<String> jwtAudience() {
    return get(AUTH_JWT_AUDIENCE);
  }

  /** {@code auth.jwt.clock-skew}. */
  public Duration jwtClockSkew() {
    return get(AUTH_JWT_CLOCK_SKEW);
  }

  /** {@code auth.jwt.algorithms}: JOSE names, at least one. */
  public List<String> jwtAlgorithms() {
    return get(AUTH_JWT_ALGORITHMS);
  }

  /** {@code auth.jwt.cache-size}: verified tokens kept, 0 for none. */
  public int jwtCacheSize() {
    return get(AUTH_JWT_CACHE_SIZE);
  }

  /** {@code auth.audit.allowed}. */
  public boolean auditAllowed() {
    return get(AUTH_AUDIT_ALLOWED);
  }

  /** {@code ratelimit.backend}. */
  public RateLimitBackend rateLimitBackend() {
    return get(RATELIMIT_BACKEND);
  }

  /**
   * {@code ratelimit.redis.uri}: redis:// or rediss:// URIs, one unless {@link #redisCluster()} (then
   * seed nodes); they may hold a password, never log them.
   */
  public List<URI> redisUris() {
    return get(RATELIMIT_REDIS_URI);
  }

  /** {@code ratelimit.redis.cluster}: whether {@link #redisUris()} are seed nodes of a Redis Cluster. */
  public boolean redisCluster() {
    return get(RATELIMIT_REDIS_CLUSTER);
  }

  /** {@code ratelimit.redis.prefix}: the start of every Redis key of the redis backend. */
  public String redisPrefix() {
    return get(RATELIMIT_REDIS_PREFIX);
  }

  /** {@code ratelimit.redis.timeout}: the longest a call waits for a Redis decision. */
  public Duration redisTimeout() {
    return get(RATELIMIT_REDIS_TIMEOUT);
  }

  /** {@code ratelimit.redis.failure-mode}: what decides while Redis cannot. */
  public RedisFailureMode redisFailureMode() {
    return get(RATELIMIT_REDIS_FAILURE_MODE);
  }

  /** {@code ratelimit.redis.breaker.failures}: consecutive failures that open the circuit. */
  public int redisBreakerFailures() {
    return get(RATELIMIT_REDIS_BREAKER_FAILURES);
  }

  /** {@code ratelimit.redis.breaker.cool-down}: how long the circuit stays open before a probe. */
  public Duration redisBreakerCoolDown() {
    return get(RATELIMIT_REDIS_BREAKER_COOL_DOWN);
  }

  /** {@code ratelimit.max-clients}. */
  public int rateLimitMaxClients() {
    return get(RATELIMIT_MAX_CLIENTS);
  }

  /** {@code ratelimit.override.<full/Method>.*} by full method name, sorted by name. */
  public Map<String, RateLimitOverride> rateLimitOverrides() {
    return rateLimitOverrides;
  }

  /** {@code metrics.port}; 0 means no metrics endpoint. */
  public int metricsPort() {
    return get(METRICS_PORT);
  }

  /** {@code metrics.histogram}: percentile histogram buckets on the call duration timer. */
  public boolean metricsHistogram() {
    return get(METRICS_HISTOGRAM);
  }

  /** {@code metrics.slo}: extra bucket boundaries of the call duration timer, possibly empty. */
  public List<Duration> metricsSlo() {
    return get(METRICS_SLO);
  }

  /** {@code metrics.tags.<name>} by tag name, sorted by name. */
  public Map<String, String> metricsTags() {
    return metricsTags;
  }

  /** {@code health.enabled}. */
  public boolean healthEnabled() {
    return get(HEALTH_ENABLED);
  }

  /** {@code health.port}: the plaintext port serving only grpc.health.v1; 0 means none. */
  public int healthPort() {
    return get(HEALTH_PORT);
  }

  /** {@code health.check-interval}: how often dependency health checks run. */
  public Duration healthCheckInterval() {
    return get(HEALTH_CHECK_INTERVAL);
  }

  /** {@code limits.adaptive.enabled}. */
  public boolean adaptiveLimitEnabled() {
    return get(LIMITS_ADAPTIVE_ENABLED);
  }

  /** {@code limits.adaptive.per-method}: one limiter per method rather than one per server. */
  public boolean adaptiveLimitPerMethod() {
    return get(LIMITS_ADAPTIVE_PER_METHOD);
  }

  /** {@code limits.adaptive.initial-limit}. */
  public int adaptiveInitialLimit() {
    return get(LIMITS_ADAPTIVE_INITIAL_LIMIT);
  }

  /** {@code limits.adaptive.min-limit}. */
  public int adaptiveMinLimit() {
    return get(LIMITS_ADAPTIVE_MIN_LIMIT);
  }

  /** {@code limits.adaptive.max-limit}. */
  public int adaptiveMaxLimit() {
    return get(LIMITS_ADAPTIVE_MAX_LIMIT);
  }

  /** {@code limits.adaptive.public-reserved}: percent of the shared limit kept for @Public methods. */
  public int adaptivePublicReserved() {
    return get(LIMITS_ADAPTIVE_PUBLIC_RESERVED);
  }

  /** {@code limits.adaptive.reserved.<full/Method>} (percent) by full method name, sorted by name. */
  public Map<String, Integer> adaptiveReserved() {
    return adaptiveReserved;
  }

  /** {@code log.level}: the threshold of every mesh logger without a more specific one. */
  public LogLevel logLevel() {
    return get(LOG_LEVEL);
  }

  /** {@code log.levels.<category>} by category or logger name, sorted by name. */
  public Map<String, LogLevel> logLevels() {
    return logLevels;
  }

  /**
   * {@code app.<name>}: the application's own settings as written, by full key ({@code
   * app.db.url}), sorted. They may be secrets: never log them. Service code reads them typed
   * through {@code dev.datapunk.mesh.runtime.settings.AppSettings}.
   */
  public Map<String, String> appValues() {
    return appValues;
  }

  /** {@code reflection.enabled}. */
  public boolean reflectionEnabled() {
    return get(REFLECTION_ENABLED);
  }

  /**
   * {@code client.<name>.*}: the mesh services this process calls, by name, sorted by name.
   *
   * @throws ConfigException naming the keys when the settings of a client do not fit together
   */
  public Map<String, ClientSettings> clients() {
    return ClientKeys.byName(values, entries);
  }

  /** {@code dev.dir}: where the development PKI and token key live. */
  public Path devDir() {
    return get(DEV_DIR);
  }

  @Override
  public String toString() {
    return "MeshConfig[\n" + describe() + "\n]";
  }

  private static void collectFamilyMember(
      ResolvedValue value, Map<String, RateLimitOverride> overrides, Map<String, String> tags,
      Map<String, Integer> reserved, Map<String, LogLevel> levels, Map<String, String> app) {
    String key = value.key();
    Optional<String> rpsOf = RATELIMIT_OVERRIDE_RPS.freePartOf(key);
    Optional<String> burstOf = RATELIMIT_OVERRIDE_BURST.freePartOf(key);
    Optional<String> tagOf = METRICS_TAGS.freePartOf(key);
    Optional<String> reservedOf = LIMITS_ADAPTIVE_RESERVED.freePartOf(key);
    Optional<String> levelOf = LOG_LEVELS.freePartOf(key);
    if (rpsOf.isPresent()) {
      double rps = RATELIMIT_OVERRIDE_RPS.cast(value.value());
      overrides.merge(rpsOf.get(), EMPTY_OVERRIDE.withRps(rps), (old, added) -> old.withRps(rps));
    } else if (burstOf.isPresent()) {
      int burst = RATELIMIT_OVERRIDE_BURST.cast(value.value());
      overrides.merge(
          burstOf.get(), EMPTY_OVERRIDE.withBurst(burst), (old, added) -> old.withBurst(burst));
    } else if (reservedOf.isPresent()) {
      reserved.put(reservedOf.get(), LIMITS_ADAPTIVE_RESERVED.cast(value.value()));
    } else if (levelOf.isPresent()) {
      levels.put(levelOf.get(), LOG_LEVELS.cast(value.value()));
    } else if (tagOf.isPresent()) {
      tags.put(tagOf.get(), METRICS_TAGS.cast(value.value()));
    } else if (APP.freePartOf(key).isPresent()) {
      app.put(key, APP.cast(value.value()));
    }
  }

  private static final RateLimitOverride EMPTY_OVERRIDE =
      new RateLimitOverride(OptionalDouble.empty(), OptionalInt.empty());
}
