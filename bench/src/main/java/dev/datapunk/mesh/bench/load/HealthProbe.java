package dev.datapunk.mesh.bench.load;

import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/** Waits until a server's grpc.health.v1 answers SERVING for the overall service {@code ""}. */
public final class HealthProbe {

  private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

  private HealthProbe() {}

  /**
   * Polls 127.0.0.1:{@code port} every millisecond (a TCP connect until the port is bound, then
   * health checks, each on a new connection) and returns {@link System#nanoTime()} at the first
   * SERVING answer.
   *
   * @throws IllegalStateException when the process dies or {@code timeout} passes first
   */
  public static long awaitServing(
      int port, ChannelCredentials credentials, JavaProcess process, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!portOpen(port)) {
      check(process, deadline, port);
      LockSupport.parkNanos(POLL_NANOS);
    }
    while (true) {
      // A fresh channel per attempt: a failed connection would otherwise wait out grpc's reconnect
      // backoff (1 s at first) and add it to the measured start-up time.
      ManagedChannel channel =
          Grpc.newChannelBuilderForAddress("localhost", port, credentials).build();
      try {
        HealthCheckResponse response =
            HealthGrpc.newBlockingStub(channel)
                .withDeadlineAfter(5, TimeUnit.SECONDS)
                .check(HealthCheckRequest.newBuilder().setService("").build());
        if (response.getStatus() == HealthCheckResponse.ServingStatus.SERVING) {
          return System.nanoTime();
        }
      } catch (StatusRuntimeException notYet) {
        // not serving yet (or the connection failed): poll again
      } finally {
        channel.shutdownNow();
      }
      check(process, deadline, port);
      LockSupport.parkNanos(POLL_NANOS);
    }
  }

  /** A port that was free a moment ago on the loopback interface. */
  public static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static boolean portOpen(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 100);
      return true;
    } catch (IOException refused) {
      return false;
    }
  }

  private static void check(JavaProcess process, long deadline, int port) {
    if (!process.isAlive()) {
      throw new IllegalStateException(
          "server process " + process.pid() + " exited before serving on port " + port);
    }
    if (System.nanoTime() - deadline > 0) {
      throw new IllegalStateException(
          "server process " + process.pid() + " not SERVING on port " + port + " in time");
    }
  }
}
