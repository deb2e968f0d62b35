package dev.datapunk.mesh.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import dev.datapunk.mesh.bench.redis.RedisProcess;
import dev.datapunk.mesh.bench.service.EchoMeshService;
import dev.datapunk.mesh.runtime.security.jwt.DevSigningKey;
import dev.datapunk.mesh.runtime.security.jwt.DevTokenRequest;
import dev.datapunk.mesh.runtime.security.jwt.DevTokens;
import dev.datapunk.mesh.runtime.tls.DevPki;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The load benchmark's servers (the Redis-limited one on a real {@code redis-server}) start in
 * their own JVMs on loopback, turn SERVING, and the load generator completes calls on them in
 * closed and open loop without a failure, over plaintext and mTLS. The mesh server really enforces
 * its chain: a token without the scope gets nothing through. The traced server exports its spans to
 * the receiver the comparison gives it (they arrive at the latest when it shuts down); the
 * unsampled one exports nothing. Tiny durations; nothing about speed is asserted: every call the
 * generator started is counted, including those answered after its measured window closed, which a
 * busy machine makes many.
 */
class LoadSmokeTest {

  @TempDir Path workDir;

  /** The port of the server started last. */
  private int port;

  @ParameterizedTest
  @EnumSource(Transport.class)
  void everyServerServesTheLoadGeneratorWithoutFailures(Transport transport) throws Exception {
    String token = token(EchoMeshService.SCOPE);
    for (ServerVariant variant : ServerVariant.values()) {
      try (RedisProcess redis = variant.needsRedis() ? RedisProcess.start() : null;
          OtlpSink traces = variant.needsTraceReceiver() ? OtlpSink.start() : null) {
        try (JavaProcess server = start(variant, transport, redis, traces)) {
          // A 2 s warm-up: on a busy 2-core machine a cold server's first calls (class loading, the
          // first
          // Redis round trip) can take over a second.
          Run closed =
              load(
                  transport,
                  token,
                  new LoadSettings(port, 8, 2, Duration.ofSeconds(2), Duration.ofSeconds(1), 0));
          assertThat(closed.totals().failed())
              .as("%s/%s closed loop failures", variant, transport)
              .isZero();
          assertThat(closed.totals().succeeded())
              .as("%s/%s closed loop: every call started was answered", variant, transport)
              .isEqualTo(closed.totals().started())
              .isPositive();

          // 200 calls/s for 0.3 s of warm-up and a 1 s window: about 260 calls offered on schedule,
          // whatever the server does (fewer only if the generator's own thread stalls near the
          // end).
          Run open =
              load(
                  transport,
                  token,
                  new LoadSettings(port, 1, 2, Duration.ofMillis(300), Duration.ofSeconds(1), 200));
          assertThat(open.totals().failed())
              .as("%s/%s open loop failures", variant, transport)
              .isZero();
          assertThat(open.totals().started())
              .as("%s/%s open loop calls offered", variant, transport)
              .isBetween(130L, 262L);
          assertThat(open.totals().succeeded())
              .as("%s/%s open loop: every call offered was answered", variant, transport)
              .isEqualTo(open.totals().started());
          assertThat(open.window().completed())
              .as("%s/%s open loop calls answered in the window", variant, transport)
              .isLessThanOrEqualTo(open.totals().succeeded());
          assertThat(server.isAlive()).isTrue();
        }
        // The server has shut down (SIGTERM), exporting what it still held.
        if (traces != null) {
          assertThat(traces.requests())
              .as("%s/%s span exports", variant, transport)
              .matches(
                  exports -> variant == ServerVariant.MESH_TRACED ? exports > 0 : exports == 0);
        }
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void theMeshServerRefusesATokenWithoutTheScopeSoTheBenchmarkMeasuresTheSecuredPath(
      Transport transport) throws Exception {
    String token = token("other:scope");
    try (JavaProcess server = start(ServerVariant.MESH, transport, null, null)) {
      Run run =
          load(
              transport,
              token,
              new LoadSettings(port, 4, 1, Duration.ZERO, Duration.ofSeconds(3), 0));
      assertThat(run.totals().started()).isPositive();
      assertThat(run.totals().succeeded()).as("calls let through").isZero();
      assertThat(run.totals().failed()).as("calls refused").isEqualTo(run.totals().started());
      assertThat(server.isAlive()).isTrue();
    }
  }

  /** A load run: the figures of its measured window, and every call it made. */
  private record Run(LoadResult window, LoadGenerator.Totals totals) {}

  /**
   * Starts {@code variant} and waits until it serves; a server that does not get there is stopped.
   */
  private JavaProcess start(
      ServerVariant variant, Transport transport, RedisProcess redis, OtlpSink traces)
      throws IOException {
    port = HealthProbe.freePort();
    List<String> arguments = new ArrayList<>(variant.arguments(port, transport, devDir()));
    if (redis != null) {
      arguments.add(ServerVariant.redisArgument(redis.uri()));
    }
    if (traces != null) {
      arguments.add(ServerVariant.tracingArgument(traces.endpoint()));
    }
    JavaProcess process =
        JavaProcess.start(
            List.of("-Xmx256m"),
            variant.mainClass(),
            arguments,
            workDir,
            workDir.resolve(variant + ".log"));
    try {
      HealthProbe.awaitServing(
          port, transport.clientCredentials(devDir()), process, Duration.ofSeconds(60));
      return process;
    } catch (RuntimeException e) {
      process.close();
      throw e;
    }
  }

  private Run load(Transport transport, String token, LoadSettings settings) throws Exception {
    try (LoadGenerator generator =
        new LoadGenerator(
            settings.port(), transport.clientCredentials(devDir()), settings.channels(), token)) {
      LoadResult window = generator.run(settings);
      return new Run(window, generator.totals());
    }
  }

  private Path devDir() {
    return workDir.resolve(".mesh/dev");
  }

  private String token(String scope) throws IOException {
    DevPki.ensure(devDir());
    return DevTokens.mint(
        DevSigningKey.ensure(devDir()),
        new DevTokenRequest(
            "bench", List.of(scope), Duration.ofMinutes(10), Optional.empty(), Optional.empty()));
  }
}
