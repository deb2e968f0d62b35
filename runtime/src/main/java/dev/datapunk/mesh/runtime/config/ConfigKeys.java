package dev.datapunk.mesh.runtime.config;

import static dev.datapunk.mesh.runtime.config.ValueParsers.bool;
import static dev.datapunk.mesh.runtime.config.ValueParsers.duration;
import static dev.datapunk.mesh.runtime.config.ValueParsers.host;
import static dev.datapunk.mesh.runtime.config.ValueParsers.integer;
import static dev.datapunk.mesh.runtime.config.ValueParsers.listOf;
import static dev.datapunk.mesh.runtime.config.ValueParsers.lowerCaseEnum;
import static dev.datapunk.mesh.runtime.config.ValueParsers.matching;
import static dev.datapunk.mesh.runtime.config.ValueParsers.nonBlank;
import static dev.datapunk.mesh.runtime.config.ValueParsers.offOr;
import static dev.datapunk.mesh.runtime.config.ValueParsers.oneOf;
import static dev.datapunk.mesh.runtime.config.ValueParsers.path;
import static dev.datapunk.mesh.runtime.config.ValueParsers.port;
import static dev.datapunk.mesh.runtime.config.ValueParsers.positiveNumber;
import static dev.datapunk.mesh.runtime.config.ValueParsers.size;
import static dev.datapunk.mesh.runtime.config.ValueParsers.unlimitedOr;

import dev.datapunk.mesh.runtime.client.ClientSettings;
import dev.datapunk.mesh.runtime.logging.LogCategory;
import dev.datapunk.mesh.runtime.logging.LogLevel;
import dev.datapunk.mesh.runtime.policy.RateLimitSpec;
import dev.datapunk.mesh.runtime.ratelimit.redis.RedisFailureMode;
import dev.datapunk.mesh.runtime.tls.TlsMode;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Every configuration key, declared once. To add a key, add one constant here, list it in {@link
 * #ALL} and read it in the settings of its concern (one of {@link MeshConfig}'s accessors, such as
 * {@link ServerSettings} for {@code server.*}).
 */
public final class ConfigKeys {

  private ConfigKeys() {}

  /** The environment variable naming the configuration file, like {@code --config=PATH}. */
  public static final String CONFIG_FILE_VARIABLE = "MESH_CONFIG";

  /** The configuration file read from the working directory when none is named. */
  public static final String DEFAULT_CONFIG_FILE = "mesh.yaml";

  private static final Duration ZERO = Duration.ZERO;
  private static final Duration ONE_MS = Duration.ofMillis(1);

  public static final ConfigKey<String> SERVER_HOST =
      ConfigKey.of(
          "server.host",
          host(),
          "0.0.0.0",
          "address the gRPC port and the Prometheus endpoint bind to");
  public static final ConfigKey<Integer> SERVER_PORT =
      ConfigKey.of("server.port", port(), "50051", "gRPC port; 0 picks a free port (logged)");
  public static final ConfigKey<Long> SERVER_MAX_INBOUND_MESSAGE_SIZE =
      ConfigKey.of(
          "server.max-inbound-message-size",
          size(1, Integer.MAX_VALUE),
          "4MiB",
          "largest accepted request message; larger ones get RESOURCE_EXHAUSTED");
  public static final ConfigKey<Long> SERVER_MAX_INBOUND_METADATA_SIZE =
      ConfigKey.of(
          "server.max-inbound-metadata-size",
          size(1, Integer.MAX_VALUE),
          "8KiB",
          "largest accepted request metadata (all headers together); larger ones are refused"
              + " (stream reset)");
  public static final ConfigKey<Integer> SERVER_WORKER_THREADS =
      ConfigKey.of(
          "server.worker-threads",
          integer(1, 10_000),
          "10",
          "threads of the fixed pool that runs the call chain and the service methods");
  public static final ConfigKey<Duration> SERVER_SHUTDOWN_GRACE =
      ConfigKey.of(
          "server.shutdown-grace",
          duration(ZERO),
          "30s",
          "how long in-flight calls may finish on shutdown before they are cancelled");
  public static final ConfigKey<Duration> SERVER_SHUTDOWN_DELAY =
      ConfigKey.of(
          "server.shutdown-delay",
          duration(ZERO),
          "0s",
          "on shutdown, how long health answers NOT_SERVING while calls are still accepted, so load"
              + " balancers and probes stop sending traffic before the port closes");
  public static final ConfigKey<Duration> SERVER_KEEPALIVE_TIME =
      ConfigKey.of(
          "server.keepalive-time",
          duration(ONE_MS),
          "2h",
          "idle time after which the server sends an HTTP/2 keepalive ping");
  public static final ConfigKey<Duration> SERVER_KEEPALIVE_TIMEOUT =
      ConfigKey.of(
          "server.keepalive-timeout",
          duration(ONE_MS),
          "20s",
          "how long to wait for a keepalive ping's answer before closing the connection");
  public static final ConfigKey<Duration> SERVER_PERMIT_KEEPALIVE_TIME =
      ConfigKey.of(
          "server.permit-keepalive-time",
          duration(ZERO),
          "5m",
          "most frequent keepalive pings a client may send; more often closes its connection");
  public static final ConfigKey<Optional<Duration>> SERVER_MAX_CONNECTION_IDLE =
      ConfigKey.of(
          "server.max-connection-idle",
          offOr(duration(ONE_MS)),
          "off",
          "close connections idle this long (off: never)");
  public static final ConfigKey<Optional<Duration>> SERVER_MAX_CONNECTION_AGE =
      ConfigKey.of(
          "server.max-connection-age",
          offOr(duration(ONE_MS)),
          "off",
          "recycle connections this old so clients rebalance (off: never)");
  public static final ConfigKey<Optional<Duration>> SERVER_MAX_CONNECTION_AGE_GRACE =
      ConfigKey.of(
          "server.max-connection-age-grace",
          offOr(duration(ZERO)),
          "off",
          "time calls get to finish on a connection recycled for age (off: unlimited)");
  public static final ConfigKey<OptionalInt> SERVER_MAX_CONCURRENT_CALLS_PER_CONNECTION =
      ConfigKey.of(
          "server.max-concurrent-calls-per-connection",
          unlimitedOr(1, Integer.MAX_VALUE),
          "unlimited",
          "HTTP/2 concurrent stream limit per connection");
  public static final ConfigKey<Compression> SERVER_COMPRESSION =
      ConfigKey.of(
          "server.compression",
          lowerCaseEnum(Compression.values()),
          "none",
          "response compression: none or gzip");

  public static final ConfigKey<TlsMode> TLS_MODE =
      ConfigKey.of(
          "tls.mode",
          lowerCaseEnum(TlsMode.values()),
          "mtls",
          "transport security: mtls (client certificates required), tls or plaintext");
  public static final ConfigKey<Optional<Path>> TLS_CERT =
      ConfigKey.optional(
          "tls.cert",
          path(),
          "development certificate under dev.dir",
          "PEM server certificate chain; set together with tls.key");
  public static final ConfigKey<Optional<Path>> TLS_KEY =
      ConfigKey.optional(
          "tls.key", path(), "development key under dev.dir", "PEM PKCS#8 private key of tls.cert");
  public static final ConfigKey<Optional<Path>> TLS_CA =
      ConfigKey.optional(
          "tls.ca",
          path(),
          "development CA under dev.dir",
          "PEM CA certificates client certificates must chain to; required with tls.cert in mtls"
              + " mode");
  public static final ConfigKey<List<String>> TLS_ALLOWED_IDENTITIES =
      ConfigKey.of(
              "tls.allowed-identities",
              listOf(nonBlank("an identity"), 0),
              "",
              "client identities admitted (mtls only): exact SPIFFE URIs or CNs, or"
                  + " spiffe://domain/path/* prefixes; any other client gets PERMISSION_DENIED on"
                  + " every method; empty admits every trusted client; a change applies from the"
                  + " next call, on established connections too")
          .reloadable();

  public static final ConfigKey<Optional<JwksLocation>> AUTH_JWT_JWKS =
      ConfigKey.optional(
          "auth.jwt.jwks",
          ValueParsers.jwksLocation(),
          "development signing key under dev.dir",
          "JWKS file path or https URL with the token signature keys");
  public static final ConfigKey<Optional<Path>> AUTH_JWT_JWKS_CA =
      ConfigKey.optional(
          "auth.jwt.jwks-ca",
          path(),
          "the JDK's default trust store",
          "PEM CA certificates trusted for an https auth.jwt.jwks URL (e.g. an in-cluster identity"
              + " provider)");
  public static final ConfigKey<Optional<String>> AUTH_JWT_ISSUER =
      ConfigKey.optional(
              "auth.jwt.issuer",
              nonBlank("an issuer"),
              "not checked",
              "required token issuer (iss); a change applies to the next token checked, cached ones"
                  + " too")
          .reloadable();
  public static final ConfigKey<Optional<String>> AUTH_JWT_AUDIENCE =
      ConfigKey.optional(
              "auth.jwt.audience",
              nonBlank("an audience"),
              "not checked",
              "audience a token's aud must contain; a change applies to the next token checked,"
                  + " cached ones too")
          .reloadable();
  public static final ConfigKey<Duration> AUTH_JWT_CLOCK_SKEW =
      ConfigKey.of(
              "auth.jwt.clock-skew",
              duration(ZERO),
              "60s",
              "tolerance when checking token expiry and not-before times; a change applies to the"
                  + " next token checked, cached ones too")
          .reloadable();
  public static final ConfigKey<List<String>> AUTH_JWT_ALGORITHMS =
      ConfigKey.of(
          "auth.jwt.algorithms",
          listOf(
              oneOf(
                  "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512",
                  "EdDSA"),
              1),
          "RS256,ES256,EdDSA",
          "token signature algorithms accepted, from RS, PS and ES with 256, 384 or 512, and EdDSA;"
              + " none and HMAC never are");
  public static final ConfigKey<Integer> AUTH_JWT_CACHE_SIZE =
      ConfigKey.of(
          "auth.jwt.cache-size",
          integer(0, 10_000_000),
          "10000",
          "verified tokens kept (each until its exp), so a repeated token skips the signature"
              + " check; 0 turns the cache off");
  public static final ConfigKey<Boolean> AUTH_AUDIT_ALLOWED =
      ConfigKey.of(
              "auth.audit.allowed",
              bool(),
              "false",
              "record allowed calls in the audit log too (denials always are)")
          .reloadable();

  public static final ConfigKey<RateLimitBackend> RATELIMIT_BACKEND =
      ConfigKey.of(
          "ratelimit.backend",
          lowerCaseEnum(RateLimitBackend.values()),
          "local",
          "where rate-limit buckets live: local (in this process) or redis (shared by every"
              + " replica)");
  public static final ConfigKey<List<URI>> RATELIMIT_REDIS_URI =
      ConfigKey.of(
              "ratelimit.redis.uri",
              listOf(ValueParsers.uri("redis", "rediss"), 1),
              "redis://127.0.0.1:6379",
              "Redis of the redis backend, rediss:// for TLS; with ratelimit.redis.cluster, one or"
                  + " more comma-separated seed nodes of one scheme; user info is masked in logs")
          .maskedBy(ValueParsers::maskUserInfoOfEach);
  public static final ConfigKey<Boolean> RATELIMIT_REDIS_CLUSTER =
      ConfigKey.of(
          "ratelimit.redis.cluster",
          bool(),
          "false",
          "ratelimit.redis.uri names seed nodes of a Redis Cluster: nodes are discovered, each"
              + " decision goes to the master owning its key");
  public static final ConfigKey<String> RATELIMIT_REDIS_PREFIX =
      ConfigKey.of(
          "ratelimit.redis.prefix",
          matching(
              Pattern.compile("[!-~&&[^{}]]{1,64}"),
              "1 to 64 printable ASCII characters without spaces, { or }"),
          "mesh:rl:",
          "start of every Redis key; keys are <prefix>{<full/Method>|<client>}");
  public static final ConfigKey<Duration> RATELIMIT_REDIS_TIMEOUT =
      ConfigKey.of(
          "ratelimit.redis.timeout",
          duration(ONE_MS),
          "20ms",
          "longest a call waits for its Redis decision before the failure mode decides");
  public static final ConfigKey<RedisFailureMode> RATELIMIT_REDIS_FAILURE_MODE =
      ConfigKey.of(
          "ratelimit.redis.failure-mode",
          lowerCaseEnum(RedisFailureMode.values()),
          "local",
          "when Redis cannot decide: local (in-process limiter, same limits), deny or allow");
  public static final ConfigKey<Integer> RATELIMIT_REDIS_BREAKER_FAILURES =
      ConfigKey.of(
          "ratelimit.redis.breaker.failures",
          integer(1, 1_000_000),
          "5",
          "consecutive Redis failures that open the circuit: calls skip Redis while it is open");
  public static final ConfigKey<Duration> RATELIMIT_REDIS_BREAKER_COOL_DOWN =
      ConfigKey.of(
          "ratelimit.redis.breaker.cool-down",
          duration(ONE_MS),
          "1s",
          "how long the circuit stays open before one call probes Redis again");
  public static final ConfigKey<Integer> RATELIMIT_MAX_CLIENTS =
      ConfigKey.of(
          "ratelimit.max-clients",
          integer(1, Integer.MAX_VALUE),
          "1000000",
          "most rate-limit buckets kept in this process across all methods; beyond it, new clients"
              + " share one overflow bucket per method until idle buckets are swept");

  public static final ConfigKey<Boolean> LIMITS_ADAPTIVE_ENABLED =
      ConfigKey.of(
              "limits.adaptive.enabled",
              bool(),
              "false",
              "limit concurrent unary calls with a limit that adapts to observed latency; switched"
                  + " on by a reload, each limit starts afresh from initial-limit")
          .reloadable();
  public static final ConfigKey<Boolean> LIMITS_ADAPTIVE_PER_METHOD =
      ConfigKey.of(
          "limits.adaptive.per-method",
          bool(),
          "false",
          "one adaptive limit per method instead of one shared by the whole server");
  public static final ConfigKey<Integer> LIMITS_ADAPTIVE_INITIAL_LIMIT =
      ConfigKey.of(
              "limits.adaptive.initial-limit",
              integer(1, 100_000),
              "20",
              "concurrent calls allowed when the limit starts, before latency has been observed;"
                  + " between min-limit and max-limit; a reload changes it when the limit is next"
                  + " switched on")
          .reloadable();
  public static final ConfigKey<Integer> LIMITS_ADAPTIVE_MIN_LIMIT =
      ConfigKey.of(
              "limits.adaptive.min-limit",
              integer(1, 100_000),
              "2",
              "the adaptive limit never goes below this; a reload clamps each current limit into"
                  + " the new range, never cutting off calls in flight")
          .reloadable();
  public static final ConfigKey<Integer> LIMITS_ADAPTIVE_MAX_LIMIT =
      ConfigKey.of(
              "limits.adaptive.max-limit",
              integer(1, 100_000),
              "1000",
              "the adaptive limit never goes above this; a reload clamps each current limit into"
                  + " the new range, never cutting off calls in flight")
          .reloadable();
  public static final ConfigKey<Integer> LIMITS_ADAPTIVE_PUBLIC_RESERVED =
      ConfigKey.of(
              "limits.adaptive.public-reserved",
              integer(0, 90),
              "10",
              "percent of the shared limit guaranteed to @Public methods together")
          .reloadable();

  public static final ConfigKey<LogLevel> LOG_LEVEL =
      ConfigKey.of(
              "log.level",
              lowerCaseEnum(LogLevel.values()),
              "info",
              "threshold of the mesh's loggers (trace, debug, info, warn, error, off); quieter"
                  + " only: the logging backend's own level still applies")
          .reloadable();

  public static final ConfigKey<Integer> METRICS_PORT =
      ConfigKey.of(
          "metrics.port",
          port(),
          "9464",
          "port of the Prometheus endpoint /metrics on server.host, not server.port; 0 turns it"
              + " off");
  public static final ConfigKey<Boolean> METRICS_HISTOGRAM =
      ConfigKey.of(
          "metrics.histogram",
          bool(),
          "true",
          "publish percentile histogram buckets for grpc.server.processing.duration");
  public static final ConfigKey<List<Duration>> METRICS_SLO =
      ConfigKey.of(
          "metrics.slo",
          listOf(duration(ONE_MS), 0),
          "",
          "extra latency bucket boundaries for grpc.server.processing.duration, e.g."
              + " 5ms,10ms,25ms");
  public static final ConfigKey<Boolean> HEALTH_ENABLED =
      ConfigKey.of("health.enabled", bool(), "true", "serve grpc.health.v1");
  public static final ConfigKey<Integer> HEALTH_PORT =
      ConfigKey.of(
          "health.port",
          port(),
          "0",
          "a second, PLAINTEXT port on server.host serving only grpc.health.v1 with the main port's"
              + " status, for probes that cannot present a client certificate; 0 turns it off");
  public static final ConfigKey<Duration> HEALTH_CHECK_INTERVAL =
      ConfigKey.of(
          "health.check-interval",
          duration(ONE_MS),
          "5s",
          "how often dependency health checks run (off the call path)");
  public static final ConfigKey<Boolean> REFLECTION_ENABLED =
      ConfigKey.of("reflection.enabled", bool(), "true", "serve grpc.reflection.v1 and v1alpha");
  public static final ConfigKey<Boolean> TRACING_ENABLED =
      ConfigKey.of(
          "tracing.enabled",
          bool(),
          "false",
          "trace every call of a mesh method with OpenTelemetry (one SERVER span each, W3C trace"
              + " context and baggage continued) and export the spans over OTLP/gRPC; needs the"
              + " OpenTelemetry SDK and OTLP exporter on the class path");
  public static final ConfigKey<URI> TRACING_ENDPOINT =
      ConfigKey.of(
          "tracing.endpoint",
          ValueParsers.uri("http", "https"),
          "http://127.0.0.1:4317",
          "OTLP/gRPC receiver the spans go to (an OpenTelemetry Collector, an agent); https://"
              + " trusts the JDK's CAs");
  public static final ConfigKey<Double> TRACING_SAMPLING_RATIO =
      ConfigKey.of(
              "tracing.sampling-ratio",
              ValueParsers.ratio(),
              "1",
              "share of new traces recorded, 0 to 1; a call that continues a trace follows its"
                  + " caller's decision (parent-based); a change applies to the next call")
          .reloadable();
  public static final ConfigKey<Optional<String>> TRACING_SERVICE_NAME =
      ConfigKey.optional(
          "tracing.service-name",
          nonBlank("a service name"),
          "unknown_service:java",
          "service.name of the exported spans");
  public static final ConfigKey<Duration> TRACING_EXPORT_TIMEOUT =
      ConfigKey.of(
          "tracing.export-timeout",
          duration(ONE_MS),
          "10s",
          "longest one export may take; on shutdown, the longest the server waits for the last"
              + " spans to go out");
  public static final ConfigKey<Map<String, String>> TRACING_HEADERS =
      ConfigKey.of(
              "tracing.headers",
              ValueParsers.headers(),
              "",
              "headers sent with every export, name=value items (e.g. a receiver's API key); values"
                  + " are never shown; a change applies to the next export")
          .reloadable()
          .maskedBy(ValueParsers::maskHeaderValues);
  public static final ConfigKey<Boolean> TRACING_RECORD_IDENTITY =
      ConfigKey.of(
              "tracing.record-identity",
              bool(),
              "false",
              "put the verified mTLS peer identity and token subject on spans (mesh.peer.identity,"
                  + " mesh.auth.subject); a change applies to the next call")
          .reloadable();

  public static final ConfigKey<Path> DEV_DIR =
      ConfigKey.of(
          "dev.dir",
          path(),
          ".mesh/dev",
          "where the development PKI and token-signing key are created and reused");

  private static final Pattern FULL_METHOD =
      Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)*/[A-Za-z_][A-Za-z0-9_]*");
  private static final String FULL_METHOD_EXPECTED =
      "a full method name like datapunk.inventory.v1.InventoryService/PutItem";

  private static final String OVERRIDE_RULES =
      "a method without @RateLimit needs rps and burst; the method must exist; on a change each"
          + " client keeps its tokens (at most the new burst), a removed override restores the"
          + " annotation, and a limit given to or taken from a method without @RateLimit needs a"
          + " restart";

  /** {@code ratelimit.override.<full/Method>.rps}: replaces a method's annotated rps. */
  public static final ConfigKeyPattern<Double> RATELIMIT_OVERRIDE_RPS =
      ConfigKeyPattern.of(
              "ratelimit.override.",
              "<full/Method>",
              FULL_METHOD,
              FULL_METHOD_EXPECTED,
              ".rps",
              positiveNumber(RateLimitSpec.MAX),
              "replaces the method's @RateLimit rps; " + OVERRIDE_RULES)
          .reloadable()
          .notFromEnvironment();

  /** {@code ratelimit.override.<full/Method>.burst}: replaces a method's annotated burst. */
  public static final ConfigKeyPattern<Integer> RATELIMIT_OVERRIDE_BURST =
      ConfigKeyPattern.of(
              "ratelimit.override.",
              "<full/Method>",
              FULL_METHOD,
              FULL_METHOD_EXPECTED,
              ".burst",
              integer(1, RateLimitSpec.MAX),
              "replaces the method's @RateLimit burst; " + OVERRIDE_RULES)
          .reloadable()
          .notFromEnvironment();

  /**
   * {@code limits.adaptive.reserved.<full/Method>}: percent of the shared limit kept for a method.
   */
  public static final ConfigKeyPattern<Integer> LIMITS_ADAPTIVE_RESERVED =
      ConfigKeyPattern.of(
              "limits.adaptive.reserved.",
              "<full/Method>",
              FULL_METHOD,
              FULL_METHOD_EXPECTED,
              "",
              integer(1, 90),
              "percent of the shared adaptive limit guaranteed to this method (1 to 90; with"
                  + " public-reserved at most 90 in all); the method must exist")
          .reloadable()
          .notFromEnvironment();

  /**
   * {@code log.levels.<category>}: the threshold of a group of the mesh's loggers, a category
   * ({@link LogCategory}) or a logger name under {@code dev.datapunk.mesh}; more specific than
   * {@code log.level}.
   */
  public static final ConfigKeyPattern<LogLevel> LOG_LEVELS =
      ConfigKeyPattern.of(
              "log.levels.",
              "<category>",
              Pattern.compile(
                  "("
                      + LogCategory.alternatives()
                      + ")|(dev\\.datapunk\\.mesh|datapunk\\.mesh\\.audit)(\\.[A-Za-z_$][A-Za-z0-9_$]*)*"),
              "a category ("
                  + String.join(", ", LogCategory.configNames())
                  + ") or a logger name under dev.datapunk.mesh",
              "",
              lowerCaseEnum(LogLevel.values()),
              "threshold of one category of mesh loggers ("
                  + String.join(", ", LogCategory.configNames())
                  + ") or of one logger name under dev.datapunk.mesh; wins over log.level; the"
                  + " environment sets categories only")
          .reloadable();

  /** {@code metrics.tags.<name>}: a tag added to every meter. */
  public static final ConfigKeyPattern<String> METRICS_TAGS =
      ConfigKeyPattern.of(
          "metrics.tags.",
          "<name>",
          Pattern.compile("[a-z_][a-z0-9_]*"),
          "a tag name of lower-case letters, digits and _",
          "",
          ValueParsers.anyText(),
          "a tag on every meter, e.g. metrics.tags.application=inventory; names the mesh's own"
              + " meters use (service, method, result, ...) are refused");

  /** How the help text shows the free part of the {@code client.<name>.*} keys. */
  static final String CLIENT_NAME_PLACEHOLDER = "<name>";

  private static final Pattern CLIENT_NAME = Pattern.compile("[a-z][a-z0-9-]{0,62}");
  private static final String CLIENT_NAME_EXPECTED =
      "a client name of lower-case letters, digits and - starting with a letter, e.g. inventory";

  private static <T> ConfigKeyPattern<T> clientKey(
      String suffix, ValueParser<T> parser, String description) {
    return ConfigKeyPattern.of(
            "client.",
            CLIENT_NAME_PLACEHOLDER,
            CLIENT_NAME,
            CLIENT_NAME_EXPECTED,
            suffix,
            parser,
            description)
        .environmentFreePart(
            name -> name.toLowerCase(Locale.ROOT).replace("__", "-"),
            "the name lower-cased, with __ for -");
  }

  /**
   * {@code client.<name>.target}: where the mesh service this process calls as {@code <name>}
   * listens.
   */
  public static final ConfigKeyPattern<String> CLIENT_TARGET =
      clientKey(
          ".target",
          ClientKeys.targetParser(),
          "the mesh service MeshChannels.channel(\"<name>\") calls: host:port or a gRPC target URI"
              + " (dns:///host:port); required for each client");

  /** {@code client.<name>.tls-mode}: transport security towards that service. */
  public static final ConfigKeyPattern<TlsMode> CLIENT_TLS_MODE =
      clientKey(
          ".tls-mode",
          lowerCaseEnum(TlsMode.values()),
          "mtls (default: presents tls.cert/tls.key, else the development client certificate), tls"
              + " or plaintext; the server is verified against tls.ca, else the development CA");

  /** {@code client.<name>.server-identity}: the identity the server's certificate must prove. */
  public static final ConfigKeyPattern<String> CLIENT_SERVER_IDENTITY =
      clientKey(
          ".server-identity",
          nonBlank("an identity"),
          "SPIFFE ID, else subject CN, the server's certificate must carry; checked during the"
              + " handshake instead of the host name; default: the target's host name is checked");

  /** {@code client.<name>.deadline}: the deadline of calls that have none. */
  public static final ConfigKeyPattern<Optional<Duration>> CLIENT_DEADLINE =
      clientKey(
          ".deadline",
          offOr(duration(ONE_MS)),
          "deadline of a call that has none, neither its own nor one inherited from the server call"
              + " it is made in (default 10s; off: none)");

  /** {@code client.<name>.token}: which bearer token calls carry. */
  public static final ConfigKeyPattern<ClientSettings.TokenMode> CLIENT_TOKEN =
      clientKey(
          ".token",
          lowerCaseEnum(ClientSettings.TokenMode.values()),
          "bearer token of each call: none (default), forward (the verified token of the server"
              + " call it is made in; none on @Public methods) or service (the token in"
              + " token-file)");

  /** {@code client.<name>.token-file}: the service token. */
  public static final ConfigKeyPattern<Path> CLIENT_TOKEN_FILE =
      clientKey(
          ".token-file",
          path(),
          "file holding the service token (token: service); re-read when it changes, never logged");

  /** {@code client.<name>.retry.max-attempts}: attempts per call, the first included. */
  public static final ConfigKeyPattern<Integer> CLIENT_RETRY_MAX_ATTEMPTS =
      clientKey(
          ".retry.max-attempts",
          integer(1, 10),
          "attempts of a unary call in all (default 3; 1: no retry); retried are RESOURCE_EXHAUSTED"
              + " with RetryInfo and UNAVAILABLE before the request was sent");

  /** {@code client.<name>.retry.max-delay}: the longest wait before another attempt. */
  public static final ConfigKeyPattern<Duration> CLIENT_RETRY_MAX_DELAY =
      clientKey(
          ".retry.max-delay",
          duration(ZERO),
          "longest wait before another attempt (default 2s); a longer RetryInfo delay, or one past"
              + " the call's deadline, is not waited for");

  /** The keys of one client, {@code client.<name>.*}. */
  public static final List<ConfigKeyPattern<?>> CLIENT =
      List.of(
          CLIENT_TARGET,
          CLIENT_TLS_MODE,
          CLIENT_SERVER_IDENTITY,
          CLIENT_DEADLINE,
          CLIENT_TOKEN,
          CLIENT_TOKEN_FILE,
          CLIENT_RETRY_MAX_ATTEMPTS,
          CLIENT_RETRY_MAX_DELAY);

  /**
   * {@code app.<name>}: the application's own settings, any text, for service code to read through
   * {@code dev.datapunk.mesh.runtime.settings.AppSettings}. Values may be secrets, so they are
   * never shown (see {@link ConfigKeyPattern#secret()}). Names and their environment variables:
   * {@link AppKeyNames}.
   */
  public static final ConfigKeyPattern<String> APP =
      ConfigKeyPattern.of(
              "app.",
              "<name>",
              AppKeyNames.SYNTAX,
              AppKeyNames.EXPECTED,
              "",
              ValueParsers.anyText(),
              "your own setting, read by service code with AppSettings; any text, never shown; env"
                  + " MESH_APP_<NAME> with _ for . and __ for - (MESH_APP_DB_POOL__SIZE sets"
                  + " app.db.pool-size)")
          .reloadable()
          .secret()
          .environmentFreePart(
              AppKeyNames::ofVariableEnd, "lower-cased, with _ for . and __ for -");

  /** Every plain key, in help and summary order. */
  public static final List<ConfigKey<?>> ALL =
      List.of(
          SERVER_HOST,
          SERVER_PORT,
          SERVER_MAX_INBOUND_MESSAGE_SIZE,
          SERVER_MAX_INBOUND_METADATA_SIZE,
          SERVER_WORKER_THREADS,
          SERVER_SHUTDOWN_GRACE,
          SERVER_SHUTDOWN_DELAY,
          SERVER_KEEPALIVE_TIME,
          SERVER_KEEPALIVE_TIMEOUT,
          SERVER_PERMIT_KEEPALIVE_TIME,
          SERVER_MAX_CONNECTION_IDLE,
          SERVER_MAX_CONNECTION_AGE,
          SERVER_MAX_CONNECTION_AGE_GRACE,
          SERVER_MAX_CONCURRENT_CALLS_PER_CONNECTION,
          SERVER_COMPRESSION,
          TLS_MODE,
          TLS_CERT,
          TLS_KEY,
          TLS_CA,
          TLS_ALLOWED_IDENTITIES,
          AUTH_JWT_JWKS,
          AUTH_JWT_JWKS_CA,
          AUTH_JWT_ISSUER,
          AUTH_JWT_AUDIENCE,
          AUTH_JWT_CLOCK_SKEW,
          AUTH_JWT_ALGORITHMS,
          AUTH_JWT_CACHE_SIZE,
          AUTH_AUDIT_ALLOWED,
          RATELIMIT_BACKEND,
          RATELIMIT_REDIS_URI,
          RATELIMIT_REDIS_CLUSTER,
          RATELIMIT_REDIS_PREFIX,
          RATELIMIT_REDIS_TIMEOUT,
          RATELIMIT_REDIS_FAILURE_MODE,
          RATELIMIT_REDIS_BREAKER_FAILURES,
          RATELIMIT_REDIS_BREAKER_COOL_DOWN,
          RATELIMIT_MAX_CLIENTS,
          LIMITS_ADAPTIVE_ENABLED,
          LIMITS_ADAPTIVE_PER_METHOD,
          LIMITS_ADAPTIVE_INITIAL_LIMIT,
          LIMITS_ADAPTIVE_MIN_LIMIT,
          LIMITS_ADAPTIVE_MAX_LIMIT,
          LIMITS_ADAPTIVE_PUBLIC_RESERVED,
          LOG_LEVEL,
          METRICS_PORT,
          METRICS_HISTOGRAM,
          METRICS_SLO,
          HEALTH_ENABLED,
          HEALTH_PORT,
          HEALTH_CHECK_INTERVAL,
          REFLECTION_ENABLED,
          TRACING_ENABLED,
          TRACING_ENDPOINT,
          TRACING_SAMPLING_RATIO,
          TRACING_SERVICE_NAME,
          TRACING_EXPORT_TIMEOUT,
          TRACING_HEADERS,
          TRACING_RECORD_IDENTITY,
          DEV_DIR);

  /** Every key family. */
  public static final List<ConfigKeyPattern<?>> PATTERNS =
      List.of(
          RATELIMIT_OVERRIDE_RPS,
          RATELIMIT_OVERRIDE_BURST,
          LIMITS_ADAPTIVE_RESERVED,
          LOG_LEVELS,
          METRICS_TAGS,
          APP,
          CLIENT_TARGET,
          CLIENT_TLS_MODE,
          CLIENT_SERVER_IDENTITY,
          CLIENT_DEADLINE,
          CLIENT_TOKEN,
          CLIENT_TOKEN_FILE,
          CLIENT_RETRY_MAX_ATTEMPTS,
          CLIENT_RETRY_MAX_DELAY);

  private static final Map<String, ConfigKey<?>> BY_NAME = index(false);
  private static final Map<String, ConfigKey<?>> BY_ENVIRONMENT_VARIABLE = index(true);

  /** The plain key named {@code name}. */
  public static Optional<ConfigKey<?>> byName(String name) {
    return Optional.ofNullable(BY_NAME.get(name));
  }

  /** The plain key set by environment variable {@code variable}, e.g. {@code MESH_SERVER_PORT}. */
  public static Optional<ConfigKey<?>> byEnvironmentVariable(String variable) {
    return Optional.ofNullable(BY_ENVIRONMENT_VARIABLE.get(variable));
  }

  private static Map<String, ConfigKey<?>> index(boolean byEnvironment) {
    Map<String, ConfigKey<?>> index = new LinkedHashMap<>();
    Set<String> prefixes = new HashSet<>();
    PATTERNS.forEach(pattern -> prefixes.add(pattern.prefix()));
    for (ConfigKey<?> key : ALL) {
      String indexName = byEnvironment ? key.environmentVariable() : key.name();
      if (index.putIfAbsent(indexName, key) != null) {
        throw new IllegalStateException("two configuration keys map to " + indexName);
      }
      for (String prefix : prefixes) {
        if (key.name().startsWith(prefix)) {
          throw new IllegalStateException(key.name() + " collides with key family " + prefix);
        }
      }
    }
    return Map.copyOf(index);
  }
}
