package dev.datapunk.mesh.bench.load;

import org.HdrHistogram.Histogram;

/**
 * What one measured window saw.
 *
 * @param completed calls completed successfully in the window
 * @param failed calls that ended with an error in the window
 * @param seconds the window's real length
 * @param latencyNanos latency of each completed call; in open loop from the call's intended start
 */
public record LoadResult(long completed, long failed, double seconds, Histogram latencyNanos) {

  /** Completed calls per second. */
  public double callsPerSecond() {
    return completed / seconds;
  }

  /** The latency at {@code percentile} (0-100), in milliseconds. */
  public double latencyMillis(double percentile) {
    return latencyNanos.getValueAtPercentile(percentile) / 1e6;
  }

  /** Several windows as one: calls and time add up, histograms merge. */
  public static LoadResult merge(Iterable<LoadResult> results) {
    long completed = 0;
    long failed = 0;
    double seconds = 0;
    Histogram all = new Histogram(3);
    for (LoadResult result : results) {
      completed += result.completed;
      failed += result.failed;
      seconds += result.seconds;
      all.add(result.latencyNanos);
    }
    return new LoadResult(completed, failed, seconds, all);
  }
}
