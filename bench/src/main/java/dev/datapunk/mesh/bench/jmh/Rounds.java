package dev.datapunk.mesh.bench.jmh;

import static dev.datapunk.mesh.bench.report.MarkdownTable.fixed;
import static dev.datapunk.mesh.bench.report.MarkdownTable.ratio;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;

/**
 * One benchmark's results over several rounds, each round one fork run right beside the other
 * benchmarks of the same round. The scheduler's placement of a 2-core machine's vCPUs moves a
 * fork's score by up to 2x over minutes; within a round every benchmark sees about the same
 * placement, so ratios are taken per round and summarised by their median and range.
 */
final class Rounds {

  private static final String ALLOCATION = "gc.alloc.rate.norm";

  private final List<RunResult> results = new ArrayList<>();

  void add(RunResult result) {
    results.add(result);
  }

  /** Mean score over the rounds, and the lowest and highest round when there are several. */
  String score() {
    double[] scores = scores();
    int decimals = mean(scores) < 100 ? 2 : 0;
    String mean = fixed(mean(scores), decimals);
    if (scores.length == 1) {
      return mean;
    }
    return mean
        + " ("
        + fixed(scores[0], decimals)
        + " to "
        + fixed(scores[scores.length - 1], decimals)
        + ")";
  }

  /** Mean bytes allocated per operation over the rounds. */
  String allocation() {
    return fixed(results.stream().mapToDouble(Rounds::bytes).average().orElse(Double.NaN), 1);
  }

  /**
   * This benchmark's score over {@code other}'s, round by round: the median ratio, and the range
   * when there are several rounds.
   */
  String ratioTo(Rounds other) {
    if (other.results.size() != results.size()) {
      throw new IllegalStateException(
          "rounds differ: " + results.size() + " and " + other.results.size());
    }
    double[] ratios = new double[results.size()];
    for (int i = 0; i < ratios.length; i++) {
      ratios[i] = score(results.get(i)) / score(other.results.get(i));
    }
    Arrays.sort(ratios);
    String median = ratio(median(ratios));
    return ratios.length == 1
        ? median
        : median + " (" + ratio(ratios[0]) + " to " + ratio(ratios[ratios.length - 1]) + ")";
  }

  private double[] scores() {
    double[] scores = results.stream().mapToDouble(Rounds::score).toArray();
    Arrays.sort(scores);
    return scores;
  }

  private static double score(RunResult result) {
    return result.getPrimaryResult().getScore();
  }

  /**
   * Bytes allocated per operation ({@code -prof gc}'s normalised rate), or NaN without the
   * profiler.
   */
  static double bytes(RunResult result) {
    Result<?> allocated = result.getSecondaryResults().get(ALLOCATION);
    return allocated == null ? Double.NaN : allocated.getScore();
  }

  private static double mean(double[] values) {
    return Arrays.stream(values).average().orElse(Double.NaN);
  }

  private static double median(double[] sorted) {
    int middle = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  }
}
