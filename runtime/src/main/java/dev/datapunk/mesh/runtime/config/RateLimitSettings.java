package dev.datapunk.mesh.runtime.config;

import dev.datapunk.mesh.runtime.ratelimit.RateLimitOverride;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where rate-limit buckets live and the configured limits ({@code ratelimit.backend}, {@code
 * ratelimit.max-clients}, {@code ratelimit.override.*}); the Redis backend's own keys are {@link
 * RedisSettings}.
 *
 * @param backend {@code ratelimit.backend}
 * @param maxClients {@code ratelimit.max-clients}
 * @param overrides {@code ratelimit.override.<full/Method>.*} by full method name, sorted by name
 */
public record RateLimitSettings(
    RateLimitBackend backend, int maxClients, Map<String, RateLimitOverride> overrides) {

  public RateLimitSettings {
    overrides = Collections.unmodifiableMap(new TreeMap<>(overrides));
  }
}
