package dev.datapunk.mesh.bench.load;

import org.HdrHistogram.Histogram;

/**
 * What one measured window saw.
 *
 * @param completed calls completed successfully in the window
 * @param failed calls that ended with an error in the window
 * @param seconds the window's real length
 * @param latencyNanos latency of each completed call; in open loop from the call's intended start
 * @param serverCpuNanos CPU time (user and system, all threads) the server process used in the
 *     window, or {@value #UNKNOWN} when not measured
 */
public record LoadResult(
    long completed, long failed, double seconds, Histogram latencyNanos, long serverCpuNanos) {

  /** {@link #serverCpuNanos} when the server's CPU time was not measured. */
  public static final long UNKNOWN = -1;

  /** Completed calls per second. */
  public double callsPerSecond() {
    return completed / seconds;
  }

  /** The latency at {@code percentile} (0-100), in milliseconds. */
  public double latencyMillis(double percentile) {
    return latencyNanos.getValueAtPercentile(percentile) / 1e6;
  }

  /**
   * Server CPU time per completed call in microseconds, or NaN when not measured. Unlike calls/s
   * this hardly depends on what else the machine runs: it is the work the server does for a call.
   */
  public double serverCpuMicrosPerCall() {
    return serverCpuNanos == UNKNOWN || completed == 0
        ? Double.NaN
        : serverCpuNanos / 1e3 / completed;
  }

  /** Several windows as one: calls and time add up, histograms merge. */
  public static LoadResult merge(Iterable<LoadResult> results) {
    long completed = 0;
    long failed = 0;
    double seconds = 0;
    long cpu = 0;
    Histogram all = new Histogram(3);
    for (LoadResult result : results) {
      completed += result.completed;
      failed += result.failed;
      seconds += result.seconds;
      all.add(result.latencyNanos);
      cpu =
          cpu == UNKNOWN || result.serverCpuNanos == UNKNOWN
              ? UNKNOWN
              : cpu + result.serverCpuNanos;
    }
    return new LoadResult(completed, failed, seconds, all, cpu);
  }
}
