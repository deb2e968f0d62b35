package dev.datapunk.mesh.runtime.config;

import static dev.datapunk.mesh.runtime.config.ConfigKeys.APP;
import static dev.datapunk.mesh.runtime.config.ConfigKeys.LIMITS_ADAPTIVE_RESERVED;
import static dev.datapunk.mesh.runtime.config.ConfigKeys.LOG_LEVELS;
import static dev.datapunk.mesh.runtime.config.ConfigKeys.METRICS_TAGS;
import static dev.datapunk.mesh.runtime.config.ConfigKeys.RATELIMIT_OVERRIDE_BURST;
import static dev.datapunk.mesh.runtime.config.ConfigKeys.RATELIMIT_OVERRIDE_RPS;

import dev.datapunk.mesh.runtime.logging.LogLevel;
import dev.datapunk.mesh.runtime.ratelimit.RateLimitOverride;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The values of a configuration's key families ({@link ConfigKeys#PATTERNS}) by their free part,
 * each map sorted by it.
 *
 * @param rateLimitOverrides {@code ratelimit.override.<full/Method>.*} by full method name
 * @param metricsTags {@code metrics.tags.<name>} by tag name
 * @param adaptiveReserved {@code limits.adaptive.reserved.<full/Method>} (percent) by full method
 *     name
 * @param logLevels {@code log.levels.<category>} by category or logger name
 * @param app {@code app.<name>} as written, by full key
 */
record KeyFamilies(
    Map<String, RateLimitOverride> rateLimitOverrides,
    Map<String, String> metricsTags,
    Map<String, Integer> adaptiveReserved,
    Map<String, LogLevel> logLevels,
    Map<String, String> app) {

  /** Sorts each member of a family into its map. */
  static final class Collector {
    private final Map<String, Double> rps = new TreeMap<>();
    private final Map<String, Integer> bursts = new TreeMap<>();
    private final Map<String, String> tags = new TreeMap<>();
    private final Map<String, Integer> reserved = new TreeMap<>();
    private final Map<String, LogLevel> levels = new TreeMap<>();
    private final Map<String, String> app = new TreeMap<>();

    void add(ResolvedValue value) {
      String key = value.key();
      Optional<String> rpsOf = RATELIMIT_OVERRIDE_RPS.freePartOf(key);
      Optional<String> burstOf = RATELIMIT_OVERRIDE_BURST.freePartOf(key);
      Optional<String> tagOf = METRICS_TAGS.freePartOf(key);
      Optional<String> reservedOf = LIMITS_ADAPTIVE_RESERVED.freePartOf(key);
      Optional<String> levelOf = LOG_LEVELS.freePartOf(key);
      if (rpsOf.isPresent()) {
        rps.put(rpsOf.get(), RATELIMIT_OVERRIDE_RPS.cast(value.value()));
      } else if (burstOf.isPresent()) {
        bursts.put(burstOf.get(), RATELIMIT_OVERRIDE_BURST.cast(value.value()));
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

    KeyFamilies collected() {
      return new KeyFamilies(
          Collections.unmodifiableMap(overrides()),
          Collections.unmodifiableMap(tags),
          Collections.unmodifiableMap(reserved),
          Collections.unmodifiableMap(levels),
          Collections.unmodifiableMap(app));
    }

    /** One override per method with an rps or a burst (or both) configured. */
    private Map<String, RateLimitOverride> overrides() {
      Map<String, RateLimitOverride> overrides = new TreeMap<>();
      Set<String> methods = new TreeSet<>(rps.keySet());
      methods.addAll(bursts.keySet());
      for (String method : methods) {
        Double methodRps = rps.get(method);
        Integer burst = bursts.get(method);
        overrides.put(
            method,
            new RateLimitOverride(
                methodRps == null ? OptionalDouble.empty() : OptionalDouble.of(methodRps),
                burst == null ? OptionalInt.empty() : OptionalInt.of(burst)));
      }
      return overrides;
    }
  }
}
