package dev.datapunk.mesh.sample.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.datapunk.mesh.runtime.security.jwt.DevSigningKey;
import dev.datapunk.mesh.runtime.security.jwt.DevTokenRequest;
import dev.datapunk.mesh.runtime.security.jwt.DevTokens;
import dev.datapunk.mesh.runtime.tls.ClientTls;
import dev.datapunk.mesh.runtime.tls.DevPki;
import dev.datapunk.mesh.sample.RequestIdStage;
import dev.datapunk.mesh.sample.inventory.v1.GetItemRequest;
import dev.datapunk.mesh.sample.inventory.v1.InventoryServiceGrpc;
import dev.datapunk.mesh.sample.inventory.v1.PingRequest;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sample's generated {@code MeshMain} run as a real process, as users run it. */
class BootstrapProcessTest {

  private static final Pattern LISTENING = Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+)");

  /** Every process a test started; whatever still runs when it ends is killed. */
  private final List<Process> processes = new ArrayList<>();

  @AfterEach
  void killWhatStillRuns() throws InterruptedException {
    for (Process process : processes) {
      if (process.isAlive()) {
        process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void startsOnEmbeddedDefaultsServesOverMtlsAndStopsOnSigterm(@TempDir Path dir) throws Exception {
    Process process =
        bootstrap(dir, "--server.host=127.0.0.1", "--server.port=0", "--metrics.port=0");
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    Thread reader = drain(process, lines);
    int port = awaitListening(lines, new ArrayList<>());
    assertThat(Files.exists(dir.resolve(".mesh/dev/ca.pem"))).isTrue();
    assertThat(Files.exists(dir.resolve(".mesh/dev/jwks.json"))).isTrue();

    ManagedChannel channel =
        Grpc.newChannelBuilderForAddress(
                "localhost", port, ClientTls.devClient(DevPki.ensure(dir.resolve(".mesh/dev"))))
            .build();
    try {
      assertThat(
              InventoryServiceGrpc.newBlockingStub(channel)
                  .withDeadlineAfter(10, TimeUnit.SECONDS)
                  .ping(PingRequest.newBuilder().setMessage("hello").build())
                  .getCaller())
          .isEqualTo("spiffe://mesh.dev/client");
    } finally {
      channel.shutdownNow();
    }

    // A real SIGTERM; Process.destroy() would also close our end of the output pipe.
    assertThat(new ProcessBuilder("kill", "-TERM", Long.toString(process.pid())).start().waitFor())
        .isZero();
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    reader.join(10_000);
    List<String> rest = new ArrayList<>();
    lines.drainTo(rest);
    assertThat(String.join("\n", rest))
        .as("exit %s, output after start: %s", process.exitValue(), rest)
        .contains("health NOT_SERVING")
        .contains("Mesh server stopped");
    assertThat(process.exitValue())
        .as("exit status after a graceful SIGTERM; output %s", rest)
        .isZero();
  }

  @Test
  void theGeneratedMainWiresTheSamplesHandlersStageAndHealthCheck(@TempDir Path dir)
      throws Exception {
    int metricsPort = RunningServer.freePort();
    Process process =
        bootstrap(
            dir, "--server.host=127.0.0.1", "--server.port=0", "--metrics.port=" + metricsPort);
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    drain(process, lines);
    List<String> seen = new ArrayList<>();
    int port = awaitListening(lines, seen);
    assertThat(seen)
        .as("start-up output")
        .anyMatch(line -> line.contains("Health check inventory-store passes"));

    ManagedChannel channel =
        Grpc.newChannelBuilderForAddress(
                "localhost", port, ClientTls.devClient(DevPki.ensure(dir.resolve(".mesh/dev"))))
            .build();
    try {
      String token =
          DevTokens.mint(
              DevSigningKey.ensure(dir.resolve(".mesh/dev")),
              new DevTokenRequest(
                  "alice",
                  List.of("inventory:read"),
                  Duration.ofMinutes(5),
                  Optional.empty(),
                  Optional.empty()));
      Metadata headers = new Metadata();
      headers.put(
          Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
      headers.put(RequestIdStage.HEADER, "process-check-1");
      StatusRuntimeException missing =
          assertThrows(
              StatusRuntimeException.class,
              () ->
                  InventoryServiceGrpc.newBlockingStub(channel)
                      .withDeadlineAfter(10, TimeUnit.SECONDS)
                      .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
                      .getItem(GetItemRequest.newBuilder().setSku("SKU-0404").build()));
      assertThat(missing.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
      assertThat(missing.getStatus().getDescription()).isEqualTo("no item SKU-0404");
      assertThat(missing.getTrailers().get(RequestIdStage.HEADER)).isEqualTo("process-check-1");
    } finally {
      channel.shutdownNow();
    }
    String scrape =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + "/metrics"))
                    .build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    assertThat(scrape)
        .containsPattern(
            "grpc_server_processing_duration_seconds_count\\{[^}]*method=\"GetItem\""
                + "[^}]*statusCode=\"NOT_FOUND\"[^}]*} 1");
  }

  @Test
  void aBadPortStopsTheStartWithStatus2NamingTheKey(@TempDir Path dir) throws Exception {
    Process process = bootstrap(dir, "--server.port=abc");
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.exitValue()).isEqualTo(2);
    assertThat(output).contains("server.port").contains("\"abc\"").contains("--server.port=abc");
    assertThat(output).doesNotContain("Exception").doesNotContain("\tat ");
  }

  @Test
  void devTokenPrintsOnlyATokenOnStdout(@TempDir Path dir) throws Exception {
    Process process =
        start(
            command(dir, "dev-token", "--subject=alice", "--scopes=inventory:read")
                .redirectError(ProcessBuilder.Redirect.DISCARD));
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String token =
        new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertThat(process.exitValue()).isZero();
    assertThat(token).matches("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+");
  }

  /**
   * Waits for the line saying where the process listens, adding every line read to {@code seen};
   * the port.
   */
  private static int awaitListening(BlockingQueue<String> lines, List<String> seen)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      String line = lines.poll(1, TimeUnit.SECONDS);
      if (line != null) {
        seen.add(line);
        Matcher m = LISTENING.matcher(line);
        if (m.find()) {
          return Integer.parseInt(m.group(1));
        }
      }
    }
    throw new AssertionError("no listening line in " + seen);
  }

  private Process bootstrap(Path dir, String... args) throws IOException {
    return start(command(dir, args).redirectErrorStream(true));
  }

  private Process start(ProcessBuilder builder) throws IOException {
    Process process = builder.start();
    processes.add(process);
    return process;
  }

  private static ProcessBuilder command(Path dir, String... args) {
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                "dev.datapunk.mesh.sample.MeshMain"));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
    builder.environment().keySet().removeIf(name -> name.startsWith("MESH_"));
    return builder;
  }

  private static Thread drain(Process process, BlockingQueue<String> lines) {
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                  lines.add(line);
                }
              } catch (IOException ignored) {
                // the process ended
              }
            },
            "bootstrap-output");
    reader.setDaemon(true);
    reader.start();
    return reader;
  }
}
