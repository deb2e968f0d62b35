package dev.datapunk.mesh.runtime.ratelimit.redis;

import dev.datapunk.mesh.runtime.LoopbackPorts;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code redis-server} for tests: daemonized on a free loopback port with no persistence,
 * stopped by the pid in its pid file. It can be killed and started again on the same port mid-test.
 * If {@code redis-server} is not installed, {@link #start} fails with a message saying how to get
 * it: these tests are never skipped.
 */
public final class RedisServer implements AutoCloseable {

  private static final Duration START_TIMEOUT = Duration.ofSeconds(10);

  private final Path dir;
  private final int port;
  private final Path pidFile;
  private final boolean clusterNode;
  private final Duration clusterNodeTimeout;
  private RedisClient adminClient;
  private StatefulRedisConnection<String, String> admin;

  private RedisServer(Path dir, int port, boolean clusterNode, Duration clusterNodeTimeout) {
    this.dir = dir;
    this.port = port;
    this.pidFile = dir.resolve("redis.pid");
    this.clusterNode = clusterNode;
    this.clusterNodeTimeout = clusterNodeTimeout;
  }

  /**
   * Starts a Redis with cluster support on a free loopback port ({@code --cluster-enabled yes},
   * node table in {@code nodes-<port>.conf} in {@code dir}); it serves no slots until a cluster is
   * created (see {@link RedisCluster}).
   */
  public static RedisServer startClusterNode(Path dir) {
    return startClusterNode(dir, null);
  }

  /**
   * As {@link #startClusterNode(Path)}, with {@code cluster-node-timeout} set to {@code
   * nodeTimeout} (Redis's default, 15 s, when null): how long a node may be unreachable before the
   * others count it as failed and a replica takes over.
   */
  public static RedisServer startClusterNode(Path dir, Duration nodeTimeout) {
    return started(new RedisServer(dir, LoopbackPorts.free(), true, nodeTimeout));
  }

  /** Starts a Redis on a free loopback port; its pid file lives in {@code dir}. */
  public static RedisServer start(Path dir) {
    return started(notStarted(dir));
  }

  /** Starts {@code server}, stopping whatever it started when it cannot finish starting. */
  private static RedisServer started(RedisServer server) {
    try {
      server.start();
      return server;
    } catch (RuntimeException e) {
      server.close();
      throw e;
    }
  }

  /** A Redis that will listen on a port free now, not started yet: nothing answers there. */
  public static RedisServer notStarted(Path dir) {
    return new RedisServer(dir, LoopbackPorts.free(), false, null);
  }

  /** {@code redis://127.0.0.1:<port>}. */
  public URI uri() {
    return URI.create("redis://127.0.0.1:" + port);
  }

  public int port() {
    return port;
  }

  /** Synchronous commands on a connection of the test's own (not the backend's). */
  public RedisCommands<String, String> admin() {
    if (admin == null) {
      adminClient = RedisClient.create(RedisURI.create(uri()));
      admin = adminClient.connect();
    }
    return admin.sync();
  }

  /**
   * Kills the server at once (SIGKILL), like a crash, and waits until the port is closed. Its pid
   * file goes too (a killed Redis leaves it behind), so that a later {@link #close()} never signals
   * another process that got the pid since.
   */
  public void kill() {
    closeAdmin();
    process()
        .ifPresent(
            process -> {
              process.destroyForcibly();
              process.onExit().orTimeout(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS).join();
            });
    deletePidFile();
    awaitPort(false);
  }

  /** Starts the server on its port, again after {@link #kill()} (then empty: no persistence). */
  public void start() {
    startProcess();
  }

  /** Stops the server (SIGTERM, then SIGKILL after a while) if it runs. */
  @Override
  public void close() {
    closeAdmin();
    process()
        .ifPresent(
            process -> {
              process.destroy();
              process
                  .onExit()
                  .orTimeout(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS)
                  .exceptionally(
                      e -> {
                        process.destroyForcibly();
                        return process;
                      })
                  .join();
            });
  }

  /** The running redis-server named by the pid file, if any. */
  private Optional<ProcessHandle> process() {
    if (!Files.exists(pidFile)) {
      return Optional.empty();
    }
    return ProcessHandle.of(pid())
        .filter(
            process ->
                process.info().command().map(command -> command.contains("redis")).orElse(true));
  }

  private void deletePidFile() {
    try {
      Files.deleteIfExists(pidFile);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + pidFile, e);
    }
  }

  private void startProcess() {
    try {
      deletePidFile();
      List<String> command =
          new ArrayList<>(
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
                  dir.resolve("redis.log").toString()));
      if (clusterNode) {
        command.addAll(
            List.of(
                "--cluster-enabled", "yes", "--cluster-config-file", "nodes-" + port + ".conf"));
        if (clusterNodeTimeout != null) {
          command.addAll(
              List.of("--cluster-node-timeout", Long.toString(clusterNodeTimeout.toMillis())));
        }
      }
      Process launcher = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(launcher.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!launcher.waitFor(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS)
          || launcher.exitValue() != 0) {
        throw new IllegalStateException(
            "redis-server failed to start on port " + port + ": " + output);
      }
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot run redis-server ("
              + e.getMessage()
              + "). The Redis rate-limit"
              + " tests need it: apt-get install -y redis-server (.ci/run installs it)",
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting redis-server", e);
    }
    awaitPort(true);
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (!Files.exists(pidFile)) {
      if (System.nanoTime() - deadline > 0) {
        throw new IllegalStateException("redis-server wrote no pid file " + pidFile);
      }
      sleep(10);
    }
  }

  private long pid() {
    try {
      return Long.parseLong(Files.readString(pidFile).strip());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + pidFile, e);
    }
  }

  private void awaitPort(boolean open) {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (portOpen() != open) {
      if (System.nanoTime() - deadline > 0) {
        throw new IllegalStateException(
            "redis port " + port + (open ? " did not open" : " did not close"));
      }
      sleep(10);
    }
  }

  private boolean portOpen() {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private void closeAdmin() {
    if (admin != null) {
      admin.close();
      adminClient.shutdown();
      admin = null;
      adminClient = null;
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
