package dev.datapunk.mesh.sample.e2e;

import dev.datapunk.mesh.runtime.tls.ClientTls;
import dev.datapunk.mesh.runtime.tls.DevPki;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * This module's test bootstrap ({@code e2e.MeshMain}, serving {@link SlowInventoryService}) run as
 * a real JVM process on 127.0.0.1, with its Prometheus endpoint on a free loopback port, stopped by
 * a real SIGTERM. Closing it kills the process if it is still running.
 */
final class MeshProcess implements AutoCloseable {

  private static final Pattern LISTENING = Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+)");
  private static final Pattern ACTIVE =
      Pattern.compile("(?m)^mesh_server_calls_active_calls(?:\\{[^}]*\\})? (\\S+)$");

  private final Path dir;
  private final Process process;
  private final int metricsPort;
  private final List<String> output = new CopyOnWriteArrayList<>();
  private final List<ManagedChannel> channels = new ArrayList<>();
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private volatile int port = -1;

  private MeshProcess(Path dir, Process process, int metricsPort) {
    this.dir = dir;
    this.process = process;
    this.metricsPort = metricsPort;
    Thread reader = new Thread(this::readOutput, "mesh-process-output");
    reader.setDaemon(true);
    reader.start();
  }

  /** Starts the process in {@code dir} with {@code args} and waits until it listens. */
  static MeshProcess start(Path dir, String... args) throws IOException, InterruptedException {
    int metricsPort = RunningServer.freePort();
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xss512k",
                "-cp",
                System.getProperty("java.class.path"),
                MeshMain.class.getName(),
                "--server.host=127.0.0.1",
                "--server.port=0",
                "--metrics.port=" + metricsPort));
    command.addAll(List.of(args));
    ProcessBuilder builder =
        new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
    builder.environment().keySet().removeIf(name -> name.startsWith("MESH_"));
    MeshProcess mesh = new MeshProcess(dir, builder.start(), metricsPort);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (mesh.port < 0 && mesh.process.isAlive() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    if (mesh.port < 0) {
      mesh.close();
      throw new IllegalStateException("the mesh process did not start listening: " + mesh.output);
    }
    return mesh;
  }

  private void readOutput() {
    try (BufferedReader in =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        output.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime()) % 100_000 + " " + line);
        Matcher m = LISTENING.matcher(line);
        if (port < 0 && m.find()) {
          port = Integer.parseInt(m.group(1));
        }
      }
    } catch (IOException ignored) {
      // the process ended
    }
  }

  /** A channel to the process presenting the development client certificate. */
  ManagedChannel mtlsChannel() throws IOException {
    ManagedChannel channel =
        Grpc.newChannelBuilderForAddress(
                "localhost", port, ClientTls.devClient(DevPki.ensure(dir.resolve(".mesh/dev"))))
            .build();
    channels.add(channel);
    return channel;
  }

  /** Mesh calls in flight in the process, read from its Prometheus endpoint. */
  int activeCalls() {
    try {
      String body =
          http.send(
                  HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + "/metrics"))
                      .timeout(Duration.ofSeconds(5))
                      .build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
      Matcher m = ACTIVE.matcher(body);
      return m.find() ? (int) Double.parseDouble(m.group(1)) : -1;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  /** Sends a real SIGTERM (Process.destroy would also close the output pipe). */
  void sigterm() throws IOException, InterruptedException {
    int status =
        new ProcessBuilder("kill", "-TERM", Long.toString(process.pid())).start().waitFor();
    if (status != 0) {
      throw new IllegalStateException("kill -TERM " + process.pid() + " failed with " + status);
    }
  }

  Process process() {
    return process;
  }

  /** Everything the process printed so far. */
  List<String> output() {
    return List.copyOf(output);
  }

  /** Closes the channels and kills the process if it still runs, waiting until it is gone. */
  @Override
  public void close() {
    channels.forEach(ManagedChannel::shutdownNow);
    if (process.isAlive()) {
      try {
        process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
