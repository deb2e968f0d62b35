package dev.datapunk.mesh.runtime.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/** Creates the meter registry a mesh server records into and serves at {@code /metrics}. */
public final class PrometheusRegistries {

  private PrometheusRegistries() {}

  /** A Prometheus registry set up by {@link #configure}. */
  public static PrometheusMeterRegistry create(MetricsSettings settings) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    configure(registry, settings);
    return registry;
  }

  /**
   * Applies {@code settings} to {@code registry}: common tags and the duration histogram. Call it
   * before any meter is registered; meters registered earlier keep their old configuration.
   */
  public static void configure(MeterRegistry registry, MetricsSettings settings) {
    Tags common = Tags.empty();
    for (var tag : settings.commonTags().entrySet()) {
      common = common.and(tag.getKey(), tag.getValue());
    }
    registry
        .config()
        .commonTags(common)
        .meterFilter(
            new DurationHistogramFilter(
                settings.percentileHistogram(), settings.serviceLevelObjectives()));
  }
}
