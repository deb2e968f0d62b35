package dev.datapunk.mesh.runtime.metrics;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * How the mesh's meter registry is set up: latency histograms and common tags.
 *
 * @param percentileHistogram publish percentile histogram buckets for {@code
 *     grpc.server.processing.duration} ({@code metrics.histogram})
 * @param serviceLevelObjectives extra bucket boundaries for that timer ({@code metrics.slo})
 * @param commonTags tags added to every meter ({@code metrics.tags.<name>})
 */
public record MetricsSettings(
    boolean percentileHistogram,
    List<Duration> serviceLevelObjectives,
    Map<String, String> commonTags) {

  /**
   * Tag names the mesh's own meters carry. A common tag of the same name would be silently
   * overridden on those meters (Micrometer lets a meter's own tag win), so it is refused.
   */
  public static final Set<String> RESERVED_TAG_NAMES =
      Set.of(
          "service", "method", "methodtype", "statuscode", "result", "reason", "backend", "name");

  /**
   * Checks the settings.
   *
   * @throws IllegalArgumentException naming {@code metrics.tags.<name>} when a common tag collides
   *     with a tag of the mesh's meters, or {@code metrics.slo} when a boundary is not positive
   */
  public MetricsSettings {
    serviceLevelObjectives = List.copyOf(serviceLevelObjectives);
    commonTags = Map.copyOf(new TreeMap<>(commonTags));
    for (String name : commonTags.keySet()) {
      if (RESERVED_TAG_NAMES.contains(name.toLowerCase(java.util.Locale.ROOT))) {
        throw new IllegalArgumentException(
            "metrics.tags."
                + name
                + ": \""
                + name
                + "\" is a tag of the mesh's own meters (grpc.server.* carry service and method);"
                + " choose another name, e.g. metrics.tags.application");
      }
      Objects.requireNonNull(commonTags.get(name), name);
    }
    for (Duration boundary : serviceLevelObjectives) {
      if (boundary.isNegative() || boundary.isZero()) {
        throw new IllegalArgumentException(
            "metrics.slo: boundaries must be positive (was " + boundary + ")");
      }
    }
  }

  /** Histograms on, no extra boundaries, no common tags. */
  public static MetricsSettings defaults() {
    return new MetricsSettings(true, List.of(), Map.of());
  }
}
