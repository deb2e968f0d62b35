package dev.datapunk.mesh.bench.redis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A {@code redis-server} started for one benchmark: daemonized on a free port of 127.0.0.1 with
 * {@code --bind 127.0.0.1 --save ''} (no persistence), in its own temporary directory, and stopped
 * by the pid in its pid file. If {@code redis-server} is not installed, {@link #start()} says how
 * to get it.
 */
public final class RedisProcess implements AutoCloseable {

  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final Path dir;
  private final int port;
  private final Path pidFile;
  private boolean stopped;

  private RedisProcess(Path dir, int port) {
    this.dir = dir;
    this.port = port;
    this.pidFile = dir.resolve("redis.pid");
  }

  /**
   * Starts a {@code redis-server} on a free loopback port and waits until it accepts connections.
   */
  public static RedisProcess start() {
    Path dir;
    try {
      dir = Files.createTempDirectory("mesh-bench-redis-");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a directory for redis-server", e);
    }
    RedisProcess redis = new RedisProcess(dir, freePort());
    redis.launch();
    return redis;
  }

  /** The port on 127.0.0.1. */
  public int port() {
    return port;
  }

  /** {@code redis://127.0.0.1:<port>}. */
  public URI uri() {
    return URI.create("redis://127.0.0.1:" + port);
  }

  /**
   * Stops the server by its pid (SIGTERM, then SIGKILL after 10 s) and removes its directory.
   * Idempotent.
   */
  @Override
  public void close() {
    if (stopped) {
      return;
    }
    stopped = true;
    if (Files.exists(pidFile)) {
      ProcessHandle.of(pid())
          .ifPresent(
              process -> {
                process.destroy();
                process
                    .onExit()
                    .orTimeout(TIMEOUT.toSeconds(), TimeUnit.SECONDS)
                    .exceptionally(
                        e -> {
                          process.destroyForcibly();
                          return process;
                        })
                    .join();
              });
    }
    try (var files = Files.list(dir)) {
      for (Path file : files.toList()) {
        Files.deleteIfExists(file);
      }
      Files.deleteIfExists(dir);
    } catch (IOException e) {
      // A leftover temporary directory is harmless; the server itself is stopped.
    }
  }

  private void launch() {
    try {
      Process launcher =
          new ProcessBuilder(
                  List.of(
                      "redis-server",
                      "--port",
                      Integer.toString(port),
                      "--bind",
                      "127.0.0.1",
                      "--save",
                      "",
                      "--appendonly",
                      "no",
                      "--daemonize",
                      "yes",
                      "--pidfile",
                      pidFile.toString(),
                      "--dir",
                      dir.toString(),
                      "--logfile",
                      dir.resolve("redis.log").toString()))
              .redirectErrorStream(true)
              .start();
      String output = new String(launcher.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!launcher.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS) || launcher.exitValue() != 0) {
        throw new IllegalStateException(
            "redis-server failed to start on 127.0.0.1:" + port + ": " + output);
      }
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot run redis-server ("
              + e.getMessage()
              + "); the Redis benchmarks"
              + " need it: apt-get install -y redis-server",
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting redis-server", e);
    }
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (!Files.exists(pidFile) || !accepts()) {
      if (System.nanoTime() - deadline > 0) {
        throw new IllegalStateException(
            "redis-server on 127.0.0.1:"
                + port
                + " did not come up within "
                + TIMEOUT.toSeconds()
                + " s (log in "
                + dir
                + ")");
      }
      pause();
    }
  }

  private long pid() {
    try {
      return Long.parseLong(Files.readString(pidFile).strip());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + pidFile, e);
    }
  }

  private boolean accepts() {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot find a free loopback port", e);
    }
  }

  private static void pause() {
    try {
      Thread.sleep(10);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for redis-server", e);
    }
  }
}
