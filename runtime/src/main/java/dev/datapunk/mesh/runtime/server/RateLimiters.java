package dev.datapunk.mesh.runtime.server;

import dev.datapunk.mesh.runtime.config.MeshConfig;
import dev.datapunk.mesh.runtime.config.RateLimitBackend;
import dev.datapunk.mesh.runtime.config.RateLimitSettings;
import dev.datapunk.mesh.runtime.config.RedisSettings;
import dev.datapunk.mesh.runtime.health.HealthCheck;
import dev.datapunk.mesh.runtime.logging.MeshLoggers;
import dev.datapunk.mesh.runtime.metrics.MeshMeters;
import dev.datapunk.mesh.runtime.ratelimit.LocalRateLimiterBackend;
import dev.datapunk.mesh.runtime.ratelimit.RateLimiterBackend;
import dev.datapunk.mesh.runtime.ratelimit.redis.RedisFailureMode;
import dev.datapunk.mesh.runtime.ratelimit.redis.RedisRateLimiterBackend;
import java.time.Duration;
import java.util.function.Consumer;
import org.slf4j.Logger;

/** The rate-limit backend from {@code ratelimit.*}: local, or shared through Redis. */
final class RateLimiters {

  private static final Logger log = MeshLoggers.getLogger(RateLimiters.class);
  private static final Duration REDIS_HEALTH_TIMEOUT = Duration.ofSeconds(1);

  private RateLimiters() {}

  /**
   * The configured backend with its meters; for {@code redis} with failure mode {@code deny}, also
   * a health check given to {@code healthChecks}, so that a server that refuses every limited call
   * while Redis is down says NOT_SERVING.
   */
  static RateLimiterBackend create(
      MeshConfig config, MeshMeters meters, Consumer<HealthCheck> healthChecks) {
    RateLimitSettings rateLimit = config.rateLimit();
    if (rateLimit.backend() == RateLimitBackend.REDIS) {
      RedisSettings settings = config.redis();
      RedisRateLimiterBackend redis =
          RedisRateLimiterBackend.builder(settings.uris())
              .cluster(settings.cluster())
              .prefix(settings.prefix())
              .timeout(settings.timeout())
              .failureMode(settings.failureMode())
              .breakerFailures(settings.breakerFailures())
              .breakerCoolDown(settings.breakerCoolDown())
              .fallbackMaxClients(rateLimit.maxClients())
              .build();
      meters.rateLimitFallbackTotal(redis.name(), redis, RedisRateLimiterBackend::fallbacks);
      if (settings.failureMode() == RedisFailureMode.DENY) {
        healthChecks.accept(
            HealthCheck.of("redis", () -> redis.isRedisReachable(REDIS_HEALTH_TIMEOUT)));
      }
      log.info("Rate limits are shared through {}", redis);
      return redis;
    }
    LocalRateLimiterBackend local =
        LocalRateLimiterBackend.builder().maxClients(rateLimit.maxClients()).build();
    meters.rateLimitClients(local.name(), local, LocalRateLimiterBackend::trackedClients);
    return local;
  }
}
