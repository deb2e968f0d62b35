package dev.datapunk.mesh.bench.jmh;

import static dev.datapunk.mesh.bench.report.MarkdownTable.fixed;
import static dev.datapunk.mesh.bench.report.MarkdownTable.ratio;

import dev.datapunk.mesh.bench.redis.RedisLimiter;
import dev.datapunk.mesh.bench.redis.RoundTrips;
import dev.datapunk.mesh.bench.report.MarkdownTable;
import dev.datapunk.mesh.bench.report.Options;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.profile.JavaFlightRecorderProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs the JMH benchmarks of this module with {@code -prof gc} (forked JVMs, as JMH intends) and
 * writes their figures as Markdown tables with the ratios against their references.
 *
 * <p>Options: {@code --forks=1 --warmup-iterations=2 --iterations=3 --iteration-ms=1000}, {@code
 * --contended-forks=3} (rounds of the 2-thread rate-limit runs) and {@code
 * --ratelimit-warmup-iterations=10} (warm-up of every local rate-limit run), see {@link
 * #rateLimit()}, {@code --redis-forks=3} (rounds of the Redis rate-limit runs, see {@link
 * #redis()}), {@code --fork-jvm=-Xms1g,-Xmx1g}, {@code --jfr-dir=DIR} (adds a JFR allocation
 * profile of the whole mesh chain), {@code --out=FILE}; for the Redis benchmark, which needs {@code
 * redis-server} on the PATH: {@code --redis-out=FILE} (its tables go there instead of into the
 * report), {@code --only=redis} (run nothing else), {@code --redis=false} (skip it); {@code
 * --only=ratelimit} runs the local rate-limit table alone.
 */
public final class JmhSuite {

  private final Options options;

  private JmhSuite(Options options) {
    this.options = options;
  }

  /** Runs every benchmark and writes the report. */
  public static void main(String[] args) throws Exception {
    JmhSuite suite = new JmhSuite(new Options(args));
    String only = suite.options.get("only", "");
    if (only.equals("ratelimit")) {
      System.out.print(suite.rateLimit());
      return;
    }
    boolean redisOnly = only.equals("redis");
    String report =
        redisOnly
            ? ""
            : "#### Rate-limit decision (ops/us, higher is better; B/op from -prof gc)\n\n"
                + suite.rateLimit()
                + "\n#### Token verification, ES256 (ns/op, lower is better)\n\n"
                + suite.tokens()
                + "\n"
                + "#### One unary call through the in-process transport (ns/op, lower is"
                + " better)\n\n"
                + suite.chain()
                + suite.allocationProfile();
    String redis = suite.redis();
    String redisOut = suite.options.get("redis-out", "");
    if (redisOut.isEmpty()) {
      report += (report.isEmpty() ? "" : "\n") + redis;
    } else {
      Files.writeString(Path.of(redisOut), redis);
    }
    System.out.print(report + (redisOut.isEmpty() ? "" : redis));
    String out = suite.options.get("out", "");
    if (!out.isEmpty()) {
      Files.writeString(Path.of(out), report);
    }
  }

  /**
   * The local decision at 1 and 2 threads, on one key, on 10,000 keys taken in turn and on 10,000
   * keys drawn at random (see {@link RateLimitBenchmark.Clients#order}).
   *
   * <p>Two benchmark threads on a 2-core machine share it with JMH's control thread, the compiler
   * and the limiter's sweeper, and where the host places the two vCPUs moves a fork's score by up
   * to 2x for every benchmark, over minutes (2026-11-24). So the runs go in rounds ({@code
   * --contended-forks} rounds at 2 threads, {@code --forks} at 1): a round is one fork of ours, of
   * Bucket4j and of the floor, back to back on the same keys, and each ratio is taken within a
   * round and reported as the median and range over the rounds ({@link Rounds}).
   *
   * <p>Every local rate-limit run warms up longer than the other benchmarks ({@code
   * --ratelimit-warmup-iterations}): with both cores busy, Bucket4j's 2-thread score on 10,000 keys
   * climbs for 6 to 14 one-second iterations before it levels off (4 to 23 ops/us in one fork, 8 to
   * 25 in another, 2026-11-24), so a short warm-up measured it below its steady state and flattered
   * our ratio.
   */
  private String rateLimit() throws RunnerException {
    MarkdownTable table =
        new MarkdownTable(
            "keys",
            "threads",
            "ours (GCRA)",
            "Bucket4j",
            "ours / Bucket4j",
            "ours B/op",
            "Bucket4j B/op",
            "floor: lookup, clock, CAS",
            "ours / floor");
    String[][] rows = {
      {"ring", "1", "1"},
      {"ring", "10000", "10,000 in turn"},
      {"random", "10000", "10,000 at random"}
    };
    for (int threads : new int[] {1, 2}) {
      int rounds = threads == 1 ? options.getInt("forks", 1) : options.getInt("contended-forks", 3);
      Map<String, Rounds> results = new HashMap<>();
      for (int round = 0; round < rounds; round++) {
        for (String[] row : rows) {
          for (RunResult result : rateLimitRound(threads, row[0], row[1])) {
            String benchmark = result.getParams().getBenchmark();
            String name = benchmark.substring(benchmark.lastIndexOf('.') + 1);
            results.computeIfAbsent(row[2] + "/" + name, k -> new Rounds()).add(result);
          }
        }
      }
      for (String[] row : rows) {
        Rounds ours = results.get(row[2] + "/meshGcra");
        Rounds theirs = results.get(row[2] + "/bucket4j");
        Rounds floor = results.get(row[2] + "/floor");
        table.row(
            row[2],
            threads,
            ours.score(),
            theirs.score(),
            ours.ratioTo(theirs),
            ours.allocation(),
            theirs.allocation(),
            floor.score(),
            ours.ratioTo(floor));
      }
    }
    return table.toString();
  }

  /** One round: one fork each of ours, Bucket4j and the floor, on {@code keys} in {@code order}. */
  private Collection<RunResult> rateLimitRound(int threads, String order, String keys)
      throws RunnerException {
    return new Runner(
            base(RateLimitBenchmark.class, threads)
                .forks(1)
                .warmupIterations(options.getInt("ratelimit-warmup-iterations", 10))
                .param("order", order)
                .param("keys", keys)
                .addProfiler(GCProfiler.class)
                .build())
        .run();
  }

  /**
   * Our Redis backend beside Bucket4j's Lettuce proxy, 1 and 4 threads, one and many keys, then the
   * commands each sends per decision ({@link RoundTrips}). Skipped with {@code --redis=false}. Both
   * limiters share the 2 cores with Redis itself, and one fork's score moved by up to 75% with
   * where the scheduler put the three busy processes; so the runs go in {@code --redis-forks}
   * rounds (default 3), a round being one fork of each limiter on each key count and one of the
   * floor, back to back, and each ratio is taken within a round (median and range, {@link Rounds}).
   */
  private String redis() throws RunnerException {
    if (!Boolean.parseBoolean(options.get("redis", "true"))) {
      return "";
    }
    MarkdownTable table =
        new MarkdownTable(
            "keys",
            "threads",
            "ours (EVALSHA)",
            "Bucket4j-Lettuce",
            "ours / Bucket4j",
            "ours B/op",
            "Bucket4j B/op",
            "floor: bare PING",
            "ours / floor");
    int rounds = options.getInt("redis-forks", 3);
    for (int threads : new int[] {1, 4}) {
      Map<String, Rounds> results = new HashMap<>();
      for (int round = 0; round < rounds; round++) {
        for (RunResult result :
            new Runner(
                    base(RedisRateLimitBenchmark.class, threads)
                        .forks(1)
                        .addProfiler(GCProfiler.class)
                        .build())
                .run()) {
          results
              .computeIfAbsent(
                  result.getParams().getParam("keys")
                      + "/"
                      + result.getParams().getParam("limiter"),
                  k -> new Rounds())
              .add(result);
        }
        results
            .computeIfAbsent("floor", k -> new Rounds())
            .add(find(run(RedisFloorBenchmark.class, threads), "ping", null, null));
      }
      Rounds floor = results.get("floor");
      for (String keys : new String[] {"1", "10000"}) {
        Rounds ours = results.get(keys + "/" + RedisLimiter.Kind.MESH);
        Rounds theirs = results.get(keys + "/" + RedisLimiter.Kind.BUCKET4J);
        table.row(
            keys,
            threads,
            ours.score(),
            theirs.score(),
            ours.ratioTo(theirs),
            ours.allocation(),
            theirs.allocation(),
            floor.score(),
            ours.ratioTo(floor));
      }
    }
    MarkdownTable trips =
        new MarkdownTable("limiter", "commands per decision", "which (per decision)");
    for (RedisLimiter.Kind kind : RedisLimiter.Kind.values()) {
      RoundTrips counted = RoundTrips.measure(kind, 1000, 10_000);
      trips.row(
          kind == RedisLimiter.Kind.MESH ? "ours" : "Bucket4j-Lettuce",
          fixed(counted.commandsPerDecision(), 2),
          counted.commands());
    }
    return "#### Rate-limit decision on Redis, one Lettuce connection (decisions/s, higher is"
        + " better)\n\n"
        + table
        + "\n"
        + "The floor is a bare Lettuce PING per call on one such connection, waited for like a"
        + " decision (RedisFloorBenchmark; same threads, one fork per round, so it repeats in both"
        + " key rows). Scores are the mean (lowest to highest round); ratios are taken within each"
        + " round: median (lowest to highest).\n"
        + "\n"
        + "Round trips: client commands per decision as Redis's MONITOR saw them (10,000"
        + " synchronous decisions over 1,000 keys, one thread; commands a script runs inside Redis"
        + " not counted):\n\n"
        + trips;
  }

  private String tokens() throws RunnerException {
    Collection<RunResult> results = run(TokenVerificationBenchmark.class, 1);
    RunResult first = find(results, "firstVerification", null, null);
    RunResult cached = find(results, "cachedVerification", null, null);
    RunResult fromHeader = find(results, "cachedVerificationFromHeaderBytes", null, null);
    return new MarkdownTable("verification", "ns/op", "B/op", "vs cached")
        .row(
            "first (no cache: parse, key, ES256 signature, claims)",
            score(first),
            allocation(first),
            ratio(first.getPrimaryResult().getScore() / cached.getPrimaryResult().getScore()))
        .row(
            "cached (keyed SipHash-2-4-128 + lookup), token as text",
            score(cached),
            allocation(cached),
            ratio(1))
        .row(
            "cached, the same header array again (the authentication stage's path on a connection"
                + " whose HPACK table repeats the header: identity memo)",
            score(fromHeader),
            allocation(fromHeader),
            ratio(fromHeader.getPrimaryResult().getScore() / cached.getPrimaryResult().getScore()))
        .toString();
  }

  private String chain() throws RunnerException {
    Collection<RunResult> results = run(CallChainBenchmark.class, 1);
    RunResult bare = find(results, "call", "chain", ChainVariant.BARE.name());
    double bareNanos = bare.getPrimaryResult().getScore();
    double bareBytes = Rounds.bytes(bare);
    MarkdownTable table =
        new MarkdownTable(
            "chain", "ns/op", "B/op", "ns vs bare", "B/op vs bare", "ns added", "B/op added");
    for (ChainVariant variant : ChainVariant.values()) {
      RunResult result = find(results, "call", "chain", variant.name());
      double nanos = result.getPrimaryResult().getScore();
      double allocated = Rounds.bytes(result);
      table.row(
          variant.name().toLowerCase(Locale.ROOT),
          score(result),
          allocation(result),
          ratio(nanos / bareNanos),
          ratio(allocated / bareBytes),
          fixed(nanos - bareNanos, 0),
          fixed(allocated - bareBytes, 0));
    }
    return table.toString();
  }

  /**
   * With {@code --jfr-dir=DIR}: the whole mesh chain once more under JFR's allocation sampling,
   * summarised by the code that allocated.
   */
  private String allocationProfile() throws RunnerException, IOException {
    String dir = options.get("jfr-dir", "");
    if (dir.isEmpty()) {
      return "";
    }
    Path jfrDir = Path.of(dir).toAbsolutePath();
    new Runner(
            base(CallChainBenchmark.class, 1)
                .param("chain", ChainVariant.MESH.name())
                .addProfiler(
                    JavaFlightRecorderProfiler.class, "dir=" + jfrDir + ";configName=profile")
                .build())
        .run();
    Path recording;
    try (Stream<Path> files = Files.walk(jfrDir)) {
      recording =
          files
              .filter(f -> f.toString().endsWith(".jfr"))
              .findFirst()
              .orElseThrow(
                  () -> new IllegalStateException("JFR wrote no recording under " + jfrDir));
    }
    return "\n#### Where the mesh chain allocates (JFR allocation samples, chain=mesh)\n\n"
        + AllocationProfile.summarise(recording, 15);
  }

  private Collection<RunResult> run(Class<?> benchmark, int threads) throws RunnerException {
    return new Runner(base(benchmark, threads).addProfiler(GCProfiler.class).build()).run();
  }

  private ChainedOptionsBuilder base(Class<?> benchmark, int threads) {
    return new OptionsBuilder()
        .include(benchmark.getName() + "\\.")
        .forks(options.getInt("forks", 1))
        .threads(threads)
        .warmupIterations(options.getInt("warmup-iterations", 2))
        .warmupTime(TimeValue.milliseconds(options.getInt("iteration-ms", 1000)))
        .measurementIterations(options.getInt("iterations", 3))
        .measurementTime(TimeValue.milliseconds(options.getInt("iteration-ms", 1000)))
        .jvmArgs(options.get("fork-jvm", "-Xms1g,-Xmx1g").split(","))
        .shouldFailOnError(true);
  }

  private static RunResult find(
      Collection<RunResult> results, String method, String param, String value) {
    Optional<RunResult> found =
        results.stream()
            .filter(r -> r.getParams().getBenchmark().endsWith("." + method))
            .filter(r -> param == null || value.equals(r.getParams().getParam(param)))
            .findFirst();
    return found.orElseThrow(
        () ->
            new IllegalStateException(
                "no result for " + method + (param == null ? "" : " " + param + "=" + value)));
  }

  private static String score(RunResult result) {
    Result<?> primary = result.getPrimaryResult();
    double error = primary.getScoreError();
    int decimals = primary.getScore() < 100 ? 2 : 0;
    return fixed(primary.getScore(), decimals)
        + (Double.isNaN(error) ? "" : " ± " + fixed(error, decimals));
  }

  private static String allocation(RunResult result) {
    return fixed(Rounds.bytes(result), 1);
  }
}
