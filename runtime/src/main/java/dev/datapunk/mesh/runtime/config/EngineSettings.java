package dev.datapunk.mesh.runtime.config;

import static dev.datapunk.mesh.runtime.config.ConfigKeys.AUTH_JWT_ALGORITHMS;
import static dev.datapunk.mesh.runtime.config.ConfigKeys.AUTH_JWT_AUDIENCE;
import static dev.datapunk.mesh.runtime.config.ConfigKeys.AUTH_JWT_CACHE_SIZE;
import static dev.datapunk.mesh.runtime.config.ConfigKeys.AUTH_JWT_CLOCK_SKEW;
import static dev.datapunk.mesh.runtime.config.ConfigKeys.AUTH_JWT_ISSUER;
import static dev.datapunk.mesh.runtime.config.ConfigKeys.LIMITS_ADAPTIVE_ENABLED;
import static dev.datapunk.mesh.runtime.config.ConfigKeys.LIMITS_ADAPTIVE_INITIAL_LIMIT;
import static dev.datapunk.mesh.runtime.config.ConfigKeys.LIMITS_ADAPTIVE_MAX_LIMIT;
import static dev.datapunk.mesh.runtime.config.ConfigKeys.LIMITS_ADAPTIVE_MIN_LIMIT;
import static dev.datapunk.mesh.runtime.config.ConfigKeys.LIMITS_ADAPTIVE_PER_METHOD;
import static dev.datapunk.mesh.runtime.config.ConfigKeys.LIMITS_ADAPTIVE_PUBLIC_RESERVED;
import static dev.datapunk.mesh.runtime.config.ConfigKeys.LOG_LEVEL;
import static dev.datapunk.mesh.runtime.config.ConfigKeys.METRICS_HISTOGRAM;
import static dev.datapunk.mesh.runtime.config.ConfigKeys.METRICS_SLO;
import static dev.datapunk.mesh.runtime.config.ConfigKeys.TRACING_ENABLED;
import static dev.datapunk.mesh.runtime.config.ConfigKeys.TRACING_ENDPOINT;
import static dev.datapunk.mesh.runtime.config.ConfigKeys.TRACING_EXPORT_TIMEOUT;
import static dev.datapunk.mesh.runtime.config.ConfigKeys.TRACING_HEADERS;
import static dev.datapunk.mesh.runtime.config.ConfigKeys.TRACING_RECORD_IDENTITY;
import static dev.datapunk.mesh.runtime.config.ConfigKeys.TRACING_SAMPLING_RATIO;
import static dev.datapunk.mesh.runtime.config.ConfigKeys.TRACING_SERVICE_NAME;

import dev.datapunk.mesh.runtime.limits.AdaptiveLimitSettings;
import dev.datapunk.mesh.runtime.logging.LogLevel;
import dev.datapunk.mesh.runtime.logging.LogLevels;
import dev.datapunk.mesh.runtime.metrics.MetricsSettings;
import dev.datapunk.mesh.runtime.security.jwt.JwtSettings;
import dev.datapunk.mesh.runtime.tracing.TracingSettings;
import java.util.HashSet;
import java.util.Map;

/** The settings types engines own, made from a configuration's values (see {@link MeshConfig}). */
final class EngineSettings {

  private EngineSettings() {}

  static JwtSettings jwt(MeshConfig config) {
    return JwtSettings.defaults()
        .withAllowedAlgorithms(new HashSet<>(config.get(AUTH_JWT_ALGORITHMS)))
        .withIssuer(config.get(AUTH_JWT_ISSUER))
        .withAudience(config.get(AUTH_JWT_AUDIENCE))
        .withClockSkew(config.get(AUTH_JWT_CLOCK_SKEW))
        .withCacheSize(config.get(AUTH_JWT_CACHE_SIZE));
  }

  static AdaptiveLimitSettings limits(MeshConfig config, Map<String, Integer> reserved) {
    return new AdaptiveLimitSettings(
        config.get(LIMITS_ADAPTIVE_ENABLED),
        config.get(LIMITS_ADAPTIVE_PER_METHOD),
        config.get(LIMITS_ADAPTIVE_INITIAL_LIMIT),
        config.get(LIMITS_ADAPTIVE_MIN_LIMIT),
        config.get(LIMITS_ADAPTIVE_MAX_LIMIT),
        config.get(LIMITS_ADAPTIVE_PUBLIC_RESERVED),
        reserved);
  }

  static LogLevels log(MeshConfig config, Map<String, LogLevel> byCategory) {
    return LogLevels.of(config.get(LOG_LEVEL), byCategory);
  }

  static MetricsSettings metrics(MeshConfig config, Map<String, String> tags) {
    return new MetricsSettings(config.get(METRICS_HISTOGRAM), config.get(METRICS_SLO), tags);
  }

  static TracingSettings tracing(MeshConfig config) {
    return new TracingSettings(
        config.get(TRACING_ENABLED),
        config.get(TRACING_ENDPOINT),
        config.get(TRACING_SAMPLING_RATIO),
        config.get(TRACING_SERVICE_NAME),
        config.get(TRACING_EXPORT_TIMEOUT),
        config.get(TRACING_HEADERS),
        config.get(TRACING_RECORD_IDENTITY));
  }
}
