package dev.datapunk.mesh.runtime.logging;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A short name for a group of the mesh's loggers, usable in {@code log.levels.<category>} instead
 * of a logger name: {@code log.levels.tls=debug} is {@code
 * log.levels.dev.datapunk.mesh.runtime.tls=debug}.
 */
public enum LogCategory {
  /** The audit log, {@code datapunk.mesh.audit}: one INFO line per security decision. */
  AUDIT("datapunk.mesh.audit"),
  /** Configuration loading and reloads. */
  CONFIG("dev.datapunk.mesh.runtime.config"),
  /** Certificates, the development PKI and their rotation. */
  TLS("dev.datapunk.mesh.runtime.tls"),
  /** Authentication and authorization, tokens and JWKS included. */
  SECURITY("dev.datapunk.mesh.runtime.security"),
  /** Token verification keys (JWKS file or URL, the development signing key). */
  JWT("dev.datapunk.mesh.runtime.security.jwt"),
  /** Rate limiting, the Redis backend included. */
  RATELIMIT("dev.datapunk.mesh.runtime.ratelimit"),
  /** The Redis rate-limit backend: connection and circuit breaker. */
  REDIS("dev.datapunk.mesh.runtime.ratelimit.redis"),
  /** Adaptive concurrency limits. */
  LIMITS("dev.datapunk.mesh.runtime.limits"),
  /** Metrics and the metrics endpoint. */
  METRICS("dev.datapunk.mesh.runtime.metrics"),
  /** Dependency health checks. */
  HEALTH("dev.datapunk.mesh.runtime.health"),
  /** Calls to other mesh services: channels, service tokens. */
  CLIENT("dev.datapunk.mesh.runtime.client");

  /** The logger-name prefix of every mesh logger (the audit log aside). */
  public static final String MESH_ROOT = "dev.datapunk.mesh";

  private final String loggerName;

  LogCategory(String loggerName) {
    this.loggerName = loggerName;
  }

  /** The logger name (or name prefix) the category stands for. */
  public String loggerName() {
    return loggerName;
  }

  /** The name used in keys, e.g. {@code tls}. */
  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The category called {@code configName}, e.g. {@code audit}. */
  public static Optional<LogCategory> byConfigName(String configName) {
    return Arrays.stream(values()).filter(c -> c.configName().equals(configName)).findFirst();
  }

  /** Every category's config name, e.g. {@code audit|config|tls|...}, for a regular expression. */
  public static String alternatives() {
    return Arrays.stream(values()).map(LogCategory::configName).collect(Collectors.joining("|"));
  }

  /** Every category's config name, for help and error texts. */
  public static List<String> configNames() {
    return Arrays.stream(values()).map(LogCategory::configName).toList();
  }
}
