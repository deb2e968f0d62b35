package dev.datapunk.mesh.sample.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.datapunk.mesh.runtime.tls.ClientTls;
import dev.datapunk.mesh.runtime.tls.DevPki;
import dev.datapunk.mesh.sample.inventory.v1.InventoryServiceGrpc;
import dev.datapunk.mesh.sample.inventory.v1.PingRequest;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sample's generated {@code MeshMain} run as a real process, as users run it. */
class BootstrapProcessTest {

  private static final Pattern LISTENING = Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+)");

  @Test
  void startsOnEmbeddedDefaultsServesOverMtlsAndStopsOnSigterm(@TempDir Path dir) throws Exception {
    Process process = bootstrap(dir, "--server.host=127.0.0.1", "--server.port=0", "--metrics.port=0");
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    Thread reader = drain(process, lines);
    List<String> seen = new ArrayList<>();
    int port = -1;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (port < 0 && System.nanoTime() < deadline) {
      String line = lines.poll(1, TimeUnit.SECONDS);
      if (line != null) {
        seen.add(line);
        Matcher m = LISTENING.matcher(line);
        if (m.find()) {
          port = Integer.parseInt(m.group(1));
        }
      }
    }
    assertThat(port).as("listening line in %s", seen).isPositive();
    assertThat(Files.exists(dir.resolve(".mesh/dev/ca.pem"))).isTrue();
    assertThat(Files.exists(dir.resolve(".mesh/dev/jwks.json"))).isTrue();

    ManagedChannel channel = Grpc.newChannelBuilderForAddress("localhost", port,
        ClientTls.devClient(DevPki.ensure(dir.resolve(".mesh/dev")))).build();
    try {
      assertThat(InventoryServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
          .ping(PingRequest.newBuilder().setMessage("hello").build()).getCaller())
          .isEqualTo("spiffe://mesh.dev/client");
    } finally {
      channel.shutdownNow();
    }

    // A real SIGTERM; Process.destroy() would also close our end of the output pipe.
    assertThat(new ProcessBuilder("kill", "-TERM", Long.toString(process.pid())).start().waitFor()).isZero();
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    reader.join(10_000);
    List<String> rest = new ArrayList<>();
    lines.drainTo(rest);
    assertThat(String.join("\n", rest)).as("exit %s, output after start: %s", process.exitValue(), rest)
        .contains("health NOT_SERVING").contains("Mesh server stopped");
    assertThat(process.exitValue()).as("exit status after a graceful SIGTERM; output %s", rest).isZero();
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
    ProcessBuilder builder = command(dir, "dev-token", "--subject=alice", "--scopes=inventory:read");
    Process process = builder.redirectError(ProcessBuilder.Redirect.DISCARD).start();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String token = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertThat(process.exitValue()).isZero();
    assertThat(token).matches("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+");
  }

  private static Process bootstrap(Path dir, String... args) throws IOException {
    return command(dir, args).redirectErrorStream(true).start();
  }

  private static ProcessBuilder command(Path dir, String... args) {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"),
        "dev.datapunk.mesh.sample.MeshMain"));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
    builder.environment().keySet().removeIf(name -> name.startsWith("MESH_"));
    return builder;
  }

  private static Thread drain(Process process, BlockingQueue<String> lines) {
    Thread reader = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line = in.readLine(); line != null; line = in.readLine()) {
          lines.add(line);
        }
      } catch (IOException ignored) {
        // the process ended
      }
    }, "bootstrap-output");
    reader.setDaemon(true);
    reader.start();
    return reader;
  }
}
