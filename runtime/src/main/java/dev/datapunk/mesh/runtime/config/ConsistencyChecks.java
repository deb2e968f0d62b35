package dev.datapunk.mesh.runtime.config;

import static dev.datapunk.mesh.runtime.config.ConfigKeys.AUTH_JWT_JWKS;
import static dev.datapunk.mesh.runtime.config.ConfigKeys.AUTH_JWT_JWKS_CA;
import static dev.datapunk.mesh.runtime.config.ConfigKeys.HEALTH_ENABLED;
import static dev.datapunk.mesh.runtime.config.ConfigKeys.HEALTH_PORT;
import static dev.datapunk.mesh.runtime.config.ConfigKeys.LIMITS_ADAPTIVE_INITIAL_LIMIT;
import static dev.datapunk.mesh.runtime.config.ConfigKeys.LIMITS_ADAPTIVE_MAX_LIMIT;
import static dev.datapunk.mesh.runtime.config.ConfigKeys.LIMITS_ADAPTIVE_MIN_LIMIT;
import static dev.datapunk.mesh.runtime.config.ConfigKeys.LIMITS_ADAPTIVE_PER_METHOD;
import static dev.datapunk.mesh.runtime.config.ConfigKeys.LIMITS_ADAPTIVE_PUBLIC_RESERVED;
import static dev.datapunk.mesh.runtime.config.ConfigKeys.METRICS_PORT;
import static dev.datapunk.mesh.runtime.config.ConfigKeys.RATELIMIT_REDIS_CLUSTER;
import static dev.datapunk.mesh.runtime.config.ConfigKeys.RATELIMIT_REDIS_URI;
import static dev.datapunk.mesh.runtime.config.ConfigKeys.SERVER_PORT;
import static dev.datapunk.mesh.runtime.config.ConfigKeys.TLS_ALLOWED_IDENTITIES;
import static dev.datapunk.mesh.runtime.config.ConfigKeys.TLS_CERT;
import static dev.datapunk.mesh.runtime.config.ConfigKeys.TLS_KEY;
import static dev.datapunk.mesh.runtime.config.ConfigKeys.TLS_MODE;

import dev.datapunk.mesh.runtime.limits.AdaptiveLimitSettings;
import dev.datapunk.mesh.runtime.tls.TlsMode;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;
import java.util.TreeSet;

/** Rules that involve more than one key; each message names every key involved and its source. */
final class ConsistencyChecks {

  private ConsistencyChecks() {}

  static void check(MeshConfig config) {
    ConfigProblems problems = new ConfigProblems();
    TlsSettings tls = config.tls();
    if (tls.cert().isPresent() != tls.key().isPresent()) {
      ConfigKey<?> set = tls.cert().isPresent() ? TLS_CERT : TLS_KEY;
      ConfigKey<?> missing = set == TLS_CERT ? TLS_KEY : TLS_CERT;
      problems.add(
          set
              + " is set (from "
              + config.sourceOf(set)
              + ") but "
              + missing
              + " is not; set both or neither");
    }
    int serverPort = config.server().port();
    if (config.metricsPort() != 0 && config.metricsPort() == serverPort) {
      problems.add(
          METRICS_PORT
              + " and "
              + SERVER_PORT
              + " are both "
              + serverPort
              + " (from "
              + config.sourceOf(METRICS_PORT)
              + " and "
              + config.sourceOf(SERVER_PORT)
              + ")");
    }
    if (!tls.allowedIdentities().isEmpty() && tls.mode() != TlsMode.MTLS) {
      problems.add(
          TLS_ALLOWED_IDENTITIES
              + " is set (from "
              + config.sourceOf(TLS_ALLOWED_IDENTITIES)
              + ") but "
              + TLS_MODE
              + " is "
              + ValueParsers.configName(tls.mode())
              + " (from "
              + config.sourceOf(TLS_MODE)
              + "), which has no client certificates; use mtls");
    }
    JwksSettings jwks = config.jwks();
    if (jwks.ca().isPresent() && !(jwks.location().orElse(null) instanceof JwksLocation.Url)) {
      problems.add(
          AUTH_JWT_JWKS_CA
              + " is set (from "
              + config.sourceOf(AUTH_JWT_JWKS_CA)
              + ") but "
              + AUTH_JWT_JWKS
              + " is not an https URL; the CA is only used to fetch keys over https");
    }
    checkHealthPort(config, problems);
    checkAdaptiveLimits(config, problems);
    checkRedisUris(config, problems);
    problems.throwIfAny();
  }

  private static void checkHealthPort(MeshConfig config, ConfigProblems problems) {
    HealthSettings health = config.health();
    int port = health.port();
    if (port == 0) {
      return;
    }
    if (!health.enabled()) {
      problems.add(
          HEALTH_PORT
              + " is "
              + port
              + " (from "
              + config.sourceOf(HEALTH_PORT)
              + ") but "
              + HEALTH_ENABLED
              + " is false (from "
              + config.sourceOf(HEALTH_ENABLED)
              + "): there is no health service to serve on it");
    }
    for (ConfigKey<Integer> other : List.of(SERVER_PORT, METRICS_PORT)) {
      if (config.get(other) == port) {
        problems.add(
            HEALTH_PORT
                + " and "
                + other
                + " are both "
                + port
                + " (from "
                + config.sourceOf(HEALTH_PORT)
                + " and "
                + config.sourceOf(other)
                + ")");
      }
    }
  }

  private static void checkRedisUris(MeshConfig config, ConfigProblems problems) {
    RedisSettings redis = config.redis();
    List<URI> uris = redis.uris();
    if (uris.size() > 1 && !redis.cluster()) {
      problems.add(
          RATELIMIT_REDIS_URI
              + " names "
              + uris.size()
              + " Redis nodes (from "
              + config.sourceOf(RATELIMIT_REDIS_URI)
              + ") but "
              + RATELIMIT_REDIS_CLUSTER
              + " is false (from "
              + config.sourceOf(RATELIMIT_REDIS_CLUSTER)
              + "); several URIs are seed nodes of a Redis Cluster: set "
              + RATELIMIT_REDIS_CLUSTER
              + "=true, or name one Redis");
    }
    long schemes =
        uris.stream().map(uri -> uri.getScheme().toLowerCase(Locale.ROOT)).distinct().count();
    if (schemes > 1) {
      problems.add(
          RATELIMIT_REDIS_URI
              + " mixes redis:// and rediss:// (from "
              + config.sourceOf(RATELIMIT_REDIS_URI)
              + "); every node of a cluster is reached the same way: use one scheme");
    }
  }

  private static void checkAdaptiveLimits(MeshConfig config, ConfigProblems problems) {
    AdaptiveLimitSettings limits = config.limits();
    int min = limits.minLimit();
    int initial = limits.initialLimit();
    int max = limits.maxLimit();
    if (min > initial || initial > max) {
      problems.add(
          LIMITS_ADAPTIVE_MIN_LIMIT
              + " <= "
              + LIMITS_ADAPTIVE_INITIAL_LIMIT
              + " <= "
              + LIMITS_ADAPTIVE_MAX_LIMIT
              + " must hold, but they are "
              + min
              + " (from "
              + config.sourceOf(LIMITS_ADAPTIVE_MIN_LIMIT)
              + "), "
              + initial
              + " (from "
              + config.sourceOf(LIMITS_ADAPTIVE_INITIAL_LIMIT)
              + ") and "
              + max
              + " (from "
              + config.sourceOf(LIMITS_ADAPTIVE_MAX_LIMIT)
              + ")");
    }
    if (limits.perMethod() && !limits.reserved().isEmpty()) {
      problems.add(
          "limits.adaptive.reserved."
              + new TreeSet<>(limits.reserved().keySet()).first()
              + " is set but "
              + LIMITS_ADAPTIVE_PER_METHOD
              + " is true (from "
              + config.sourceOf(LIMITS_ADAPTIVE_PER_METHOD)
              + "): reserved shares divide the one shared limit; per-method limits are separate"
              + " already");
    }
    int reserved = limits.publicReserved();
    for (int percent : limits.reserved().values()) {
      reserved += percent;
    }
    if (reserved > 90) {
      problems.add(
          LIMITS_ADAPTIVE_PUBLIC_RESERVED
              + " ("
              + limits.publicReserved()
              + ", from "
              + config.sourceOf(LIMITS_ADAPTIVE_PUBLIC_RESERVED)
              + ") plus every limits.adaptive.reserved.<full/Method> "
              + new TreeMap<>(limits.reserved())
              + " add up to "
              + reserved
              + "% of the shared limit; at most 90% may be reserved so other methods keep a share");
    }
  }
}
