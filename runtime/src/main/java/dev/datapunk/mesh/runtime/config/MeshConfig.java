package dev.datapunk.mesh.runtime.config;

import static dev.datapunk.mesh.runtime.config.ConfigKeys.AUTH_AUDIT_ALLOWED;
import static dev.datapunk.mesh.runtime.config.ConfigKeys.DEV_DIR;
import static dev.datapunk.mesh.runtime.config.ConfigKeys.METRICS_PORT;
import static dev.datapunk.mesh.runtime.config.ConfigKeys.RATELIMIT_BACKEND;
import static dev.datapunk.mesh.runtime.config.ConfigKeys.RATELIMIT_MAX_CLIENTS;
import static dev.datapunk.mesh.runtime.config.ConfigKeys.REFLECTION_ENABLED;

import dev.datapunk.mesh.runtime.client.ClientSettings;
import dev.datapunk.mesh.runtime.limits.AdaptiveLimitSettings;
import dev.datapunk.mesh.runtime.logging.LogLevels;
import dev.datapunk.mesh.runtime.metrics.MetricsSettings;
import dev.datapunk.mesh.runtime.security.jwt.JwtSettings;
import dev.datapunk.mesh.runtime.tracing.TracingSettings;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The effective configuration: immutable, typed, every value checked. Obtain it from {@link
 * ConfigLoader#load} or, for tests and tools, {@link #defaults()}.
 *
 * <p>Values are read by concern: each accessor returns the settings of one group of keys, such as
 * {@link #server()} for {@code server.*}. Where an engine owns a settings type ({@link
 * JwtSettings}, {@link AdaptiveLimitSettings}, {@link MetricsSettings}, {@link LogLevels}) the
 * configuration produces that type. Accessors assemble their settings from the checked values on
 * each call; an engine's settings type may refuse a combination no single key's check can see (see
 * {@link #metrics()}), and does so where the engine is built, as it would for settings made in
 * code.
 */
public final class MeshConfig {

  private final Map<String, Object> values;
  private final List<ConfigEntry> entries;
  private final KeyFamilies families;

  MeshConfig(Map<String, ResolvedValue> resolved) {
    Map<String, Object> byKey = new HashMap<>();
    List<ConfigEntry> plain = new ArrayList<>();
    Map<String, ConfigEntry> inFamilies = new TreeMap<>();
    KeyFamilies.Collector collector = new KeyFamilies.Collector();
    for (ResolvedValue value : resolved.values()) {
      byKey.put(value.key(), value.value());
      if (ConfigKeys.byName(value.key()).isPresent()) {
        plain.add(value.entry());
      } else {
        inFamilies.put(value.key(), value.entry());
        collector.add(value);
      }
    }
    List<ConfigEntry> ordered = new ArrayList<>(plain);
    ordered.addAll(inFamilies.values());
    this.values = Map.copyOf(byKey);
    this.entries = List.copyOf(ordered);
    this.families = collector.collected();
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

  /**
   * The parsed value of {@code key} (a plain key or a member of a key family), or {@code null} when
   * it is not set.
   */
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

  /** {@code server.*}: the gRPC port, its connections and the shutdown. */
  public ServerSettings server() {
    return ServerSettings.of(this);
  }

  /** {@code tls.*}: transport security of the gRPC port. */
  public TlsSettings tls() {
    return TlsSettings.of(this);
  }

  /** {@code auth.jwt.jwks} and {@code auth.jwt.jwks-ca}: where token signature keys come from. */
  public JwksSettings jwks() {
    return JwksSettings.of(this);
  }

  /**
   * {@code auth.jwt.issuer}, {@code audience}, {@code clock-skew}, {@code algorithms} and {@code
   * cache-size}: what a token must be to be accepted (the token size limit keeps its default).
   */
  public JwtSettings jwt() {
    return EngineSettings.jwt(this);
  }

  /** {@code auth.audit.allowed}: whether allowed calls are audited too, not only rejected ones. */
  public boolean auditAllowed() {
    return get(AUTH_AUDIT_ALLOWED);
  }

  /** {@code ratelimit.backend}, {@code ratelimit.max-clients} and {@code ratelimit.override.*}. */
  public RateLimitSettings rateLimit() {
    return new RateLimitSettings(
        get(RATELIMIT_BACKEND), get(RATELIMIT_MAX_CLIENTS), families.rateLimitOverrides());
  }

  /** {@code ratelimit.redis.*}: the Redis rate-limit backend. */
  public RedisSettings redis() {
    return RedisSettings.of(this);
  }

  /** {@code limits.adaptive.*}: the adaptive concurrency limit. */
  public AdaptiveLimitSettings limits() {
    return EngineSettings.limits(this, families.adaptiveReserved());
  }

  /** {@code log.level} and {@code log.levels.*}: the thresholds of the mesh's loggers. */
  public LogLevels log() {
    return EngineSettings.log(this, families.logLevels());
  }

  /**
   * {@code metrics.histogram}, {@code metrics.slo} and {@code metrics.tags.*}: how the meter
   * registry is set up.
   *
   * @throws IllegalArgumentException naming {@code metrics.tags.<name>} when a tag is named like a
   *     tag of the mesh's own meters, which only the registry's settings know
   */
  public MetricsSettings metrics() {
    return EngineSettings.metrics(this, families.metricsTags());
  }

  /** {@code metrics.port}: the port of the Prometheus endpoint; 0 means none. */
  public int metricsPort() {
    return get(METRICS_PORT);
  }

  /** {@code health.*}: the health service, its plaintext port and its dependency checks. */
  public HealthSettings health() {
    return HealthSettings.of(this);
  }

  /**
   * {@code app.<name>}: the application's own settings as written, by full key ({@code
   * app.db.url}), sorted. They may be secrets: never log them. Service code reads them typed
   * through {@code dev.datapunk.mesh.runtime.settings.AppSettings}.
   */
  public Map<String, String> app() {
    return families.app();
  }

  /** {@code tracing.*}: OpenTelemetry tracing of the calls and the export of the spans. */
  public TracingSettings tracing() {
    return EngineSettings.tracing(this);
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
}
