package dev.datapunk.mesh.bench.load;

import static dev.datapunk.mesh.bench.report.MarkdownTable.fixed;
import static dev.datapunk.mesh.bench.report.MarkdownTable.ratio;

import dev.datapunk.mesh.bench.redis.RedisProcess;
import dev.datapunk.mesh.bench.report.MarkdownTable;
import dev.datapunk.mesh.bench.report.Options;
import dev.datapunk.mesh.bench.service.EchoMeshService;
import dev.datapunk.mesh.runtime.security.jwt.DevSigningKey;
import dev.datapunk.mesh.runtime.security.jwt.DevTokenRequest;
import dev.datapunk.mesh.runtime.security.jwt.DevTokens;
import dev.datapunk.mesh.runtime.tls.DevPki;
import io.grpc.ChannelCredentials;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Bare grpc-java against the mesh server under the same load, alternating in one run, each server
 * in its own JVM with the same flags, the load generator in this JVM.
 *
 * <p>Options: {@code --work-dir=DIR} (development PKI, key and server logs; default a new temporary
 * directory), {@code --transports=plaintext,mtls}, {@code --server-warmup=10} (seconds of load each
 * fresh server JVM gets before anything is measured; both servers of a transport run side by side,
 * the idle one waiting), {@code --rounds=3} (measured closed-loop windows per server, alternating
 * bare, mesh, mesh, bare, ...), {@code --warmup=1 --seconds=6} (per window, on fresh connections),
 * {@code --outstanding=64 --channels=4}, {@code --open-rate=20000} (one open-loop run per server at
 * this rate; 0 skips it), {@code --server-jvm=-Xms512m,-Xmx512m} (comma separated flags for both
 * servers), {@code --redis=true} (with plaintext, also (d): the mesh server with the Redis rate
 * limiter, on a {@code redis-server} this run starts on a free loopback port and stops by pid;
 * needs {@code redis-server} on the PATH), {@code --tracing=true} (with plaintext, also (e) and
 * (f): the mesh server with tracing on, every call sampled and exported to an OTLP/gRPC receiver in
 * this JVM ({@link OtlpSink}), and with tracing on but nothing sampled), {@code --out=FILE} (the
 * Markdown report; also printed).
 */
public final class LoadComparison {

  private final Path workDir;
  private final Path devDir;
  private final List<String> serverFlags;
  private final String token;
  private final StringBuilder log = new StringBuilder();

  /** The Redis of the Redis-limited server, started with the first such server; null until then. */
  private RedisProcess redis;

  /**
   * The OTLP receiver of the traced servers, started with the first such server; null until then.
   */
  private OtlpSink traceReceiver;

  /** Calls each server of the current transport answered, in every phase (warm-ups included). */
  private final Map<ServerVariant, Long> answered = new EnumMap<>(ServerVariant.class);

  private LoadComparison(Path workDir, List<String> serverFlags) throws IOException {
    this.workDir = workDir;
    this.devDir = workDir.resolve(".mesh/dev");
    this.serverFlags = serverFlags;
    DevPki.ensure(devDir);
    this.token =
        DevTokens.mint(
            DevSigningKey.ensure(devDir),
            new DevTokenRequest(
                "bench",
                List.of(EchoMeshService.SCOPE),
                Duration.ofHours(2),
                Optional.empty(),
                Optional.empty()));
  }

  /** Runs the comparison and writes the report. */
  public static void main(String[] args) throws Exception {
    Options options = new Options(args);
    Path workDir =
        Path.of(options.get("work-dir", Files.createTempDirectory("mesh-load").toString()));
    Files.createDirectories(workDir);
    List<String> flags = Arrays.asList(options.get("server-jvm", "-Xms512m,-Xmx512m").split(","));
    LoadComparison comparison = new LoadComparison(workDir, flags);
    int rounds = options.getInt("rounds", 3);
    LoadSettings closed =
        new LoadSettings(
            0,
            options.getInt("outstanding", 64),
            options.getInt("channels", 4),
            Duration.ofSeconds(options.getInt("warmup", 1)),
            Duration.ofSeconds(options.getInt("seconds", 6)),
            0);
    int openRate = options.getInt("open-rate", 20_000);
    Duration serverWarmup = Duration.ofSeconds(options.getInt("server-warmup", 10));
    boolean withRedis = Boolean.parseBoolean(options.get("redis", "true"));
    boolean withTracing = Boolean.parseBoolean(options.get("tracing", "true"));
    StringBuilder report = new StringBuilder();
    try {
      for (String name : options.get("transports", "plaintext,mtls").split(",", -1)) {
        Transport transport = Transport.parse(name);
        List<ServerVariant> variants =
            new ArrayList<>(List.of(ServerVariant.BARE, ServerVariant.MESH));
        if (withRedis && transport == Transport.PLAINTEXT) {
          variants.add(ServerVariant.MESH_REDIS);
        }
        if (withTracing && transport == Transport.PLAINTEXT) {
          variants.add(ServerVariant.MESH_TRACED);
          variants.add(ServerVariant.MESH_TRACED_UNSAMPLED);
        }
        report.append(
            comparison.compare(transport, variants, rounds, closed, openRate, serverWarmup));
      }
    } finally {
      if (comparison.redis != null) {
        comparison.redis.close();
      }
      if (comparison.traceReceiver != null) {
        report
            .append("\nThe OTLP receiver took ")
            .append(comparison.traceReceiver.requests())
            .append(" export requests, ")
            .append(comparison.traceReceiver.bytes() / 1024)
            .append(" KiB in all.\n");
        comparison.traceReceiver.close();
      }
    }
    report.append("\nRuns in order (calls/s): ").append(comparison.log).append('\n');
    System.out.print(report);
    String out = options.get("out", "");
    if (!out.isEmpty()) {
      Files.writeString(Path.of(out), report);
    }
  }

  private String compare(
      Transport transport,
      List<ServerVariant> variants,
      int rounds,
      LoadSettings closed,
      int openRate,
      Duration serverWarmup)
      throws Exception {
    Map<ServerVariant, List<LoadResult>> runs = new EnumMap<>(ServerVariant.class);
    Map<ServerVariant, List<LoadResult>> openRuns = new EnumMap<>(ServerVariant.class);
    Map<ServerVariant, RunningServer> servers = new EnumMap<>(ServerVariant.class);
    answered.clear();
    long spansBefore = traceReceiver == null ? 0 : traceReceiver.spans();
    try {
      for (ServerVariant variant : variants) {
        RunningServer server = start(variant, transport);
        servers.put(variant, server);
        // Each server JVM gets the same long warm-up under load before anything is measured.
        measure(
            server,
            new LoadSettings(
                0, closed.outstanding(), closed.channels(), Duration.ZERO, serverWarmup, 0),
            "warm-up ");
      }
      for (int round = 0; round < rounds; round++) {
        // ABBA order: neither server is always the one measured first in a round.
        List<ServerVariant> order = new ArrayList<>(variants);
        if (round % 2 == 1) {
          Collections.reverse(order);
        }
        for (ServerVariant variant : order) {
          runs.computeIfAbsent(variant, v -> new ArrayList<>())
              .add(measure(servers.get(variant), closed, ""));
        }
      }
      if (openRate > 0) {
        LoadSettings open =
            new LoadSettings(0, 1, closed.channels(), closed.warmup(), closed.measured(), openRate);
        for (ServerVariant variant : variants) {
          openRuns.put(variant, List.of(measure(servers.get(variant), open, "")));
        }
      }
    } finally {
      servers.values().forEach(RunningServer::close);
    }
    StringBuilder out = new StringBuilder();
    out.append("\n#### Closed loop, ")
        .append(transport.tlsMode())
        .append(": ")
        .append(closed.outstanding())
        .append(" calls outstanding over ")
        .append(closed.channels())
        .append(" channels; ")
        .append(rounds)
        .append(" alternating windows per server of ")
        .append(closed.warmup().toSeconds())
        .append(" s warm-up + ")
        .append(closed.measured().toSeconds())
        .append(" s measured, after ")
        .append(serverWarmup.toSeconds())
        .append(" s of warm-up load per server JVM\n\n");
    out.append(table(runs));
    if (openRate > 0) {
      out.append("\n#### Open loop, ")
          .append(transport.tlsMode())
          .append(": ")
          .append(openRate)
          .append(" calls/s offered over ")
          .append(closed.channels())
          .append(" channels; latency from each call's intended start\n\n");
      out.append(table(openRuns));
    }
    if (variants.contains(ServerVariant.MESH_TRACED)) {
      // The servers have shut down, exporting what they still held: every span sent has arrived.
      long spans = traceReceiver.spans() - spansBefore;
      long calls = answered.getOrDefault(ServerVariant.MESH_TRACED, 0L);
      out.append("\nThe OTLP receiver got ")
          .append(spans)
          .append(" spans; the server tracing at ratio 1 answered ")
          .append(calls)
          .append(" calls (spans per call ")
          .append(fixed((double) spans / Math.max(1, calls), 4))
          .append("; the server at ratio 0 records none).\n");
    }
    return out.toString();
  }

  private static String table(Map<ServerVariant, List<LoadResult>> runs) {
    LoadResult bare = LoadResult.merge(runs.get(ServerVariant.BARE));
    double bareWindowP99 = medianWindowP99(runs.get(ServerVariant.BARE));
    MarkdownTable table =
        new MarkdownTable(
            "server",
            "calls/s",
            "p50 ms",
            "p90 ms",
            "p99 ms",
            "p99.9 ms",
            "failed",
            "server CPU us/call",
            "median window p99 ms",
            "calls/s vs bare",
            "p99 vs bare",
            "median window p99 vs bare",
            "CPU/call vs bare");
    for (Map.Entry<ServerVariant, List<LoadResult>> entry : runs.entrySet()) {
      LoadResult r = LoadResult.merge(entry.getValue());
      double windowP99 = medianWindowP99(entry.getValue());
      table.row(
          entry.getKey().label(),
          fixed(r.callsPerSecond(), 0),
          fixed(r.latencyMillis(50), 3),
          fixed(r.latencyMillis(90), 3),
          fixed(r.latencyMillis(99), 3),
          fixed(r.latencyMillis(99.9), 3),
          r.failed(),
          fixed(r.serverCpuMicrosPerCall(), 2),
          fixed(windowP99, 3),
          ratio(r.callsPerSecond() / bare.callsPerSecond()),
          ratio(r.latencyMillis(99) / bare.latencyMillis(99)),
          ratio(windowP99 / bareWindowP99),
          ratio(r.serverCpuMicrosPerCall() / bare.serverCpuMicrosPerCall()));
    }
    return table.toString();
  }

  /**
   * The median over the windows of each window's own p99: one window disturbed by something else on
   * the machine (a compilation, a GC, the scheduler) moves the p99 of all windows merged, not this.
   */
  private static double medianWindowP99(List<LoadResult> windows) {
    double[] p99s = windows.stream().mapToDouble(w -> w.latencyMillis(99)).sorted().toArray();
    int middle = p99s.length / 2;
    return p99s.length % 2 == 1 ? p99s[middle] : (p99s[middle - 1] + p99s[middle]) / 2;
  }

  /** A server JVM under test. */
  private record RunningServer(
      ServerVariant variant, Transport transport, int port, JavaProcess process)
      implements AutoCloseable {
    @Override
    public void close() {
      process.close();
    }
  }

  private RunningServer start(ServerVariant variant, Transport transport) throws IOException {
    int port = HealthProbe.freePort();
    Path serverLog =
        workDir.resolve(
            "server-"
                + variant.name().toLowerCase(Locale.ROOT)
                + "-"
                + transport.tlsMode()
                + ".log");
    List<String> arguments = new ArrayList<>(variant.arguments(port, transport, devDir));
    if (variant.needsRedis()) {
      if (redis == null) {
        redis = RedisProcess.start();
      }
      arguments.add(ServerVariant.redisArgument(redis.uri()));
    }
    if (variant.needsTraceReceiver()) {
      if (traceReceiver == null) {
        traceReceiver = OtlpSink.start();
      }
      arguments.add(ServerVariant.tracingArgument(traceReceiver.endpoint()));
    }
    JavaProcess process =
        JavaProcess.start(serverFlags, variant.mainClass(), arguments, workDir, serverLog);
    try {
      HealthProbe.awaitServing(
          port, transport.clientCredentials(devDir), process, Duration.ofSeconds(60));
    } catch (RuntimeException e) {
      process.close();
      throw new IllegalStateException(e.getMessage() + "; see " + serverLog, e);
    }
    return new RunningServer(variant, transport, port, process);
  }

  private LoadResult measure(RunningServer server, LoadSettings shape, String phase)
      throws Exception {
    ChannelCredentials credentials = server.transport().clientCredentials(devDir);
    LoadSettings settings =
        new LoadSettings(
            server.port(),
            shape.outstanding(),
            shape.channels(),
            shape.warmup(),
            shape.measured(),
            shape.openLoopRate());
    try (LoadGenerator generator =
        new LoadGenerator(server.port(), credentials, settings.channels(), token)) {
      LoadResult result = generator.run(settings, server.process()::cpuNanos);
      answered.merge(server.variant(), generator.totals().succeeded(), Long::sum);
      String line =
          phase
              + server.variant().name().toLowerCase(Locale.ROOT)
              + "/"
              + server.transport().tlsMode()
              + (settings.openLoop() ? "/open" : "")
              + " "
              + fixed(result.callsPerSecond(), 0);
      System.err.println(
          line
              + " calls/s, p99 "
              + fixed(result.latencyMillis(99), 3)
              + " ms, server CPU "
              + fixed(result.serverCpuMicrosPerCall(), 2)
              + " us/call, failed "
              + result.failed());
      log.append(log.length() == 0 ? "" : ", ").append(line);
      return result;
    }
  }
}
