package dev.datapunk.mesh.bench.jmh;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * Runs every JMH benchmark once, in this JVM, for 100 ms with the GC profiler, to prove each one
 * sets up, runs its calls without failing, tears down and reports. No timing is asserted: this is
 * not a measurement.
 */
class BenchmarksSmokeTest {

  @Test
  void rateLimitDecisionsRunForBothLimitersOnOneAndManyKeysWithTwoThreads() throws RunnerException {
    Collection<RunResult> results = run(RateLimitBenchmark.class, 2);
    List<String> expected = new ArrayList<>();
    for (String limiter : List.of("bucket4j", "floor", "meshGcra")) {
      for (String keys : List.of("keys=1", "keys=10000")) {
        for (String order : List.of("order=ring", "order=random")) {
          expected.add(limiter + " " + keys + " " + order);
        }
      }
    }
    assertThat(labels(results)).containsExactlyInAnyOrderElementsOf(expected);
    assertReported(results);
  }

  @Test
  void redisDecisionsRunForBothLimitersOnOneAndManyKeysWithFourThreadsOnRealRedis()
      throws RunnerException {
    Collection<RunResult> results = run(RedisRateLimitBenchmark.class, 4);
    assertThat(labels(results))
        .containsExactlyInAnyOrder(
            "decide keys=1 limiter=MESH", "decide keys=10000 limiter=MESH",
            "decide keys=1 limiter=BUCKET4J", "decide keys=10000 limiter=BUCKET4J");
    assertReported(results);
  }

  @Test
  void theRedisFloorPingsRealRedisWithFourThreads() throws RunnerException {
    Collection<RunResult> results = run(RedisFloorBenchmark.class, 4);
    assertThat(labels(results)).containsExactly("ping");
    assertReported(results);
  }

  @Test
  void tokenVerificationRunsFirstAndCached() throws RunnerException {
    Collection<RunResult> results = run(TokenVerificationBenchmark.class, 1);
    assertThat(labels(results))
        .containsExactlyInAnyOrder(
            "cachedVerification", "cachedVerificationFromHeaderBytes", "firstVerification");
    assertReported(results);
  }

  @Test
  void everyChainVariantCompletesCalls() throws RunnerException {
    Collection<RunResult> results = run(CallChainBenchmark.class, 1);
    assertThat(labels(results))
        .containsExactlyInAnyOrder(
            "call chain=BARE",
            "call chain=METRICS",
            "call chain=AUTHENTICATION",
            "call chain=SECURITY",
            "call chain=RATE_LIMIT",
            "call chain=MESH",
            "call chain=TRACING",
            "call chain=MESH_TRACED");
    assertReported(results);
  }

  private static Collection<RunResult> run(Class<?> benchmark, int threads) throws RunnerException {
    ChainedOptionsBuilder options =
        new OptionsBuilder()
            .include(benchmark.getName().replace("$", "\\$") + "\\.")
            .forks(0)
            .threads(threads)
            .warmupIterations(0)
            .measurementIterations(1)
            .measurementTime(TimeValue.milliseconds(100))
            .addProfiler(GCProfiler.class)
            .shouldFailOnError(true)
            .verbosity(VerboseMode.SILENT);
    return new Runner(options.build()).run();
  }

  private static List<String> labels(Collection<RunResult> results) {
    return results.stream()
        .map(
            result -> {
              String method = result.getParams().getBenchmark();
              String name = method.substring(method.lastIndexOf('.') + 1);
              StringBuilder label = new StringBuilder(name);
              for (String key : result.getParams().getParamsKeys()) {
                label.append(' ').append(key).append('=').append(result.getParams().getParam(key));
              }
              return label.toString();
            })
        .toList();
  }

  /** Each run measured at least one operation and the GC profiler reported allocation per op. */
  private static void assertReported(Collection<RunResult> results) {
    for (RunResult result : results) {
      assertThat(result.getPrimaryResult().getSampleCount()).isPositive();
      assertThat(result.getPrimaryResult().getScore()).isPositive();
      assertThat(result.getSecondaryResults()).containsKey("gc.alloc.rate.norm");
    }
  }
}
