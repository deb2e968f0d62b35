package dev.datapunk.mesh.userproject;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An executable jar run with {@code java -jar} as its own process in a working directory of its
 * own, with no {@code MESH_*} variable from this environment. A server is stopped by SIGTERM to its
 * pid; closing kills whatever still runs.
 */
final class JarProcess implements AutoCloseable {

  private static final Pattern LISTENING = Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+)");
  private static final long START_SECONDS = 60;
  private static final long STOP_SECONDS = 30;

  private final Process process;
  private final int metricsPort;
  private final List<String> output = new CopyOnWriteArrayList<>();
  private final Thread reader;
  private volatile int port = -1;

  private JarProcess(Process process, int metricsPort) {
    this.process = process;
    this.metricsPort = metricsPort;
    this.reader = new Thread(this::readOutput, "jar-process-output");
    reader.setDaemon(true);
    reader.start();
  }

  /**
   * Starts a server from {@code jar} on 127.0.0.1, its gRPC port picked by the server (port 0) and
   * its metrics on a free port, and waits until it logs that it listens.
   *
   * @throws IllegalStateException with the output so far if it does not get there in a minute
   */
  static JarProcess startServer(Path jar, Path workDir) throws IOException, InterruptedException {
    int metricsPort = freeLoopbackPort();
    List<String> serverArgs =
        List.of("--server.host=127.0.0.1", "--server.port=0", "--metrics.port=" + metricsPort);
    JarProcess server =
        new JarProcess(
            builder(jar, workDir, serverArgs).redirectErrorStream(true).start(), metricsPort);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_SECONDS);
    while (server.port < 0 && server.process.isAlive() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    if (server.port < 0) {
      server.close();
      throw new IllegalStateException("the server did not start listening: " + server.output());
    }
    return server;
  }

  /** A port free on the loopback address now (metrics.port=0 would turn the endpoint off). */
  private static int freeLoopbackPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  /**
   * Runs a command of {@code jar} to its end and returns what it wrote to stdout; its stderr goes
   * to a file in {@code workDir}.
   *
   * @throws IllegalStateException with its stderr if it fails or takes more than a minute
   */
  static String runCommand(Path jar, Path workDir, String... args)
      throws IOException, InterruptedException {
    Path stdoutFile = Files.createTempFile(workDir, "command", ".out");
    Path stderr = Files.createTempFile(workDir, "command", ".err");
    Process process =
        builder(jar, workDir, List.of(args))
            .redirectOutput(stdoutFile.toFile())
            .redirectError(stderr.toFile())
            .start();
    try {
      process.getOutputStream().close();
      if (!process.waitFor(START_SECONDS, TimeUnit.SECONDS)) {
        throw new IllegalStateException("java -jar " + jar + " " + List.of(args) + " did not end");
      }
    } finally {
      if (process.isAlive()) {
        process.destroyForcibly().waitFor(STOP_SECONDS, TimeUnit.SECONDS);
      }
    }
    String stdout = Files.readString(stdoutFile, StandardCharsets.UTF_8);
    if (process.exitValue() != 0) {
      throw new IllegalStateException(
          "java -jar "
              + jar
              + " "
              + List.of(args)
              + " exited with "
              + process.exitValue()
              + ": "
              + Files.readString(stderr, StandardCharsets.UTF_8));
    }
    return stdout;
  }

  private static ProcessBuilder builder(Path jar, Path workDir, List<String> args) {
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                jar.toString()));
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile());
    builder.environment().keySet().removeIf(name -> name.startsWith("MESH_"));
    return builder;
  }

  private void readOutput() {
    try (BufferedReader in =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        output.add(line);
        Matcher listening = LISTENING.matcher(line);
        if (port < 0 && listening.find()) {
          port = Integer.parseInt(listening.group(1));
        }
      }
    } catch (IOException e) {
      output.add("(output unreadable: " + e + ")");
    }
  }

  int port() {
    return port;
  }

  int metricsPort() {
    return metricsPort;
  }

  /** Everything the server printed so far, one line per element. */
  List<String> output() {
    return List.copyOf(output);
  }

  /**
   * Sends SIGTERM to the server's pid and waits for it to end.
   *
   * @return its exit status
   * @throws IllegalStateException if it is still running after 30 seconds
   */
  int stop() throws InterruptedException {
    ProcessHandle.of(process.pid()).ifPresent(ProcessHandle::destroy);
    if (!process.waitFor(STOP_SECONDS, TimeUnit.SECONDS)) {
      throw new IllegalStateException(
          "pid " + process.pid() + " still runs " + STOP_SECONDS + " s after SIGTERM: " + output());
    }
    reader.join(TimeUnit.SECONDS.toMillis(STOP_SECONDS));
    return process.exitValue();
  }

  /** Kills the process if it still runs and waits until it is gone. */
  @Override
  public void close() {
    if (process.isAlive()) {
      try {
        process.destroyForcibly().waitFor(STOP_SECONDS, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
