package dev.datapunk.mesh.runtime;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/**
 * Ports on the loopback interface for tests (port 0 turns the metrics and health endpoints off).
 */
public final class LoopbackPorts {

  private LoopbackPorts() {}

  /** A loopback port nobody listened on a moment ago (another process may take it meanwhile). */
  public static int free() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
