package dev.datapunk.mesh.bench.startup;

import static dev.datapunk.mesh.bench.report.MarkdownTable.fixed;
import static dev.datapunk.mesh.bench.report.MarkdownTable.ratio;

import dev.datapunk.mesh.bench.load.HealthProbe;
import dev.datapunk.mesh.bench.load.JavaProcess;
import dev.datapunk.mesh.bench.load.ServerVariant;
import dev.datapunk.mesh.bench.load.Transport;
import dev.datapunk.mesh.bench.report.MarkdownTable;
import dev.datapunk.mesh.bench.report.Options;
import dev.datapunk.mesh.runtime.security.jwt.DevSigningKey;
import dev.datapunk.mesh.runtime.tls.DevPki;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Time from starting a server JVM to its health service answering SERVING: the mesh's generated
 * bootstrap ({@code MeshMain} of this module, every stage on) beside the bare grpc-java main
 * serving the same service, same JVM flags and class path, alternating, several runs, medians.
 *
 * <p>The clock starts just before the process is spawned and stops at the first SERVING answer to a
 * probe that polls every millisecond, so both include JVM start and the probe's connection. The
 * development PKI and signing key exist before the first run (as on any start after the first), and
 * one unmeasured pair of runs warms this JVM's probe and the file cache.
 *
 * <p>Options: {@code --runs=5}, {@code --transports=plaintext,mtls}, {@code
 * --server-jvm=-Xms512m,-Xmx512m}, {@code --work-dir=DIR}, {@code --out=FILE}.
 */
public final class StartupComparison {

  /**
   * The servers timed: the Redis variant starts like {@link ServerVariant#MESH} and is left out.
   */
  private static final List<ServerVariant> VARIANTS =
      List.of(ServerVariant.BARE, ServerVariant.MESH);

  private StartupComparison() {}

  /** Runs the comparison and writes the report. */
  public static void main(String[] args) throws Exception {
    Options options = new Options(args);
    Path workDir =
        Path.of(options.get("work-dir", Files.createTempDirectory("mesh-startup").toString()));
    Path devDir = workDir.resolve(".mesh/dev");
    Files.createDirectories(workDir);
    DevPki.ensure(devDir);
    DevSigningKey.ensure(devDir);
    List<String> flags = Arrays.asList(options.get("server-jvm", "-Xms512m,-Xmx512m").split(","));
    int runs = options.getInt("runs", 5);
    MarkdownTable table =
        new MarkdownTable(
            "server",
            "transport",
            "median ms",
            "min ms",
            "max ms",
            "runs (ms, in order)",
            "median vs bare");
    for (String name : options.get("transports", "plaintext,mtls").split(",", -1)) {
      Transport transport = Transport.parse(name);
      for (ServerVariant variant : VARIANTS) {
        timeToServing(variant, transport, workDir, devDir, flags); // unmeasured warm-up run
      }
      Map<ServerVariant, List<Double>> millis = new EnumMap<>(ServerVariant.class);
      for (int run = 0; run < runs; run++) {
        for (ServerVariant variant : VARIANTS) {
          millis
              .computeIfAbsent(variant, v -> new ArrayList<>())
              .add(timeToServing(variant, transport, workDir, devDir, flags));
        }
      }
      double bare = median(millis.get(ServerVariant.BARE));
      for (Map.Entry<ServerVariant, List<Double>> entry : millis.entrySet()) {
        List<Double> times = entry.getValue();
        table.row(
            entry.getKey().label(),
            transport.tlsMode(),
            fixed(median(times), 0),
            fixed(times.stream().mapToDouble(Double::doubleValue).min().orElseThrow(), 0),
            fixed(times.stream().mapToDouble(Double::doubleValue).max().orElseThrow(), 0),
            String.join(", ", times.stream().map(t -> fixed(t, 0)).toList()),
            ratio(median(times) / bare));
      }
    }
    String report = "JVM flags of both servers: `" + String.join(" ", flags) + "`\n\n" + table;
    System.out.print(report);
    String out = options.get("out", "");
    if (!out.isEmpty()) {
      Files.writeString(Path.of(out), report);
    }
  }

  private static double timeToServing(
      ServerVariant variant, Transport transport, Path workDir, Path devDir, List<String> flags)
      throws Exception {
    int port = HealthProbe.freePort();
    Path log = workDir.resolve("startup-" + variant.name().toLowerCase(Locale.ROOT) + ".log");
    long start = System.nanoTime();
    try (JavaProcess server =
        JavaProcess.start(
            flags, variant.mainClass(), variant.arguments(port, transport, devDir), workDir, log)) {
      long serving =
          HealthProbe.awaitServing(
              port, transport.clientCredentials(devDir), server, Duration.ofSeconds(60));
      return (serving - start) / 1e6;
    }
  }

  private static double median(List<Double> values) {
    List<Double> sorted = values.stream().sorted().toList();
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }
}
