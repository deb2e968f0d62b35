package dev.datapunk.mesh.runtime.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import java.time.Duration;
import java.util.List;

/**
 * Gives {@code grpc.server.processing.duration} its percentile histogram ({@code
 * metrics.histogram}) and extra bucket boundaries ({@code metrics.slo}); other meters are left
 * alone.
 */
final class DurationHistogramFilter implements MeterFilter {

  private final boolean percentileHistogram;
  private final double[] boundariesNanos;

  DurationHistogramFilter(boolean percentileHistogram, List<Duration> serviceLevelObjectives) {
    this.percentileHistogram = percentileHistogram;
    this.boundariesNanos =
        serviceLevelObjectives.stream().mapToDouble(Duration::toNanos).sorted().toArray();
  }

  @Override
  public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
    if (!id.getName().equals(MethodMetrics.PROCESSING_DURATION)) {
      return config;
    }
    DistributionStatisticConfig.Builder ours =
        DistributionStatisticConfig.builder().percentilesHistogram(percentileHistogram);
    if (boundariesNanos.length > 0) {
      ours.serviceLevelObjectives(boundariesNanos);
    }
    return ours.build().merge(config);
  }
}
