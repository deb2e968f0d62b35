package dev.datapunk.mesh.test;

import dev.datapunk.mesh.runtime.config.ServerSettings;
import dev.datapunk.mesh.runtime.server.ServerTransport;
import io.grpc.Attributes;
import io.grpc.Grpc;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.ServerCredentials;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServerTransportFilter;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.inprocess.InProcessSocketAddress;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.SocketAddress;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The in-process {@link ServerTransport} of the kit: one grpc-java in-process server per peer
 * identity, all carrying the same mesh (services, call chains, executors, tracers), built and
 * started on first use and stopped together as one {@link Server}.
 *
 * <p>A client's identity is what its connection's transport attributes say, as with TLS: the
 * listener of a peer stamps every connection it accepts with a {@link PeerSession} holding a
 * certificate that names the peer, and a client picks its identity by the listener it connects to.
 * Nothing a client sends (no header) chooses it. The listener without a peer accepts connections
 * without any session: a client without a certificate.
 */
final class InProcessListeners extends Server implements ServerTransport {

  private final String baseName;
  private final Map<Optional<String>, Server> listeners = new LinkedHashMap<>();
  private final Map<Optional<String>, String> names = new LinkedHashMap<>();
  private Consumer<ServerBuilder<?>> mesh;
  private boolean started;
  private boolean shutdown;

  /** Listeners named {@code baseName} and a suffix per peer. */
  InProcessListeners(String baseName) {
    this.baseName = baseName;
  }

  @Override
  public synchronized Server build(
      ServerSettings settings, ServerCredentials credentials, Consumer<ServerBuilder<?>> mesh) {
    if (this.mesh != null) {
      throw new IllegalStateException(
          "in-process listeners " + baseName + " already carry a server");
    }
    this.mesh = mesh;
    return this;
  }

  /**
   * The in-process name to connect to as {@code peer} (empty: without a certificate); its listener
   * is built now if it was not, and started if the server runs.
   *
   * @throws IllegalStateException once the server is shut down
   */
  synchronized String nameFor(Optional<String> peer) {
    if (shutdown) {
      throw new IllegalStateException("the mesh test server is closed");
    }
    String name = names.get(peer);
    if (name == null) {
      name = baseName + "/" + names.size();
      Server listener = newListener(peer, name);
      listeners.put(peer, listener);
      names.put(peer, name);
      if (started) {
        startListener(listener);
      }
    }
    return name;
  }

  private Server newListener(Optional<String> peer, String name) {
    if (mesh == null) {
      throw new IllegalStateException(
          "no mesh server was built on in-process listeners " + baseName);
    }
    InProcessServerBuilder builder = InProcessServerBuilder.forName(name);
    peer.ifPresent(
        identity -> builder.addTransportFilter(new PeerFilter(PeerCertificates.naming(identity))));
    mesh.accept(builder);
    return builder.build();
  }

  @Override
  public synchronized Server start() throws IOException {
    if (started) {
      throw new IllegalStateException("already started");
    }
    if (listeners.isEmpty()) {
      nameFor(Optional.empty());
    }
    for (Server listener : listeners.values()) {
      listener.start();
    }
    started = true;
    return this;
  }

  private static void startListener(Server listener) {
    try {
      listener.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start an in-process listener: " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized List<? extends SocketAddress> getListenSockets() {
    List<SocketAddress> addresses = new ArrayList<>();
    for (String name : names.values()) {
      addresses.add(new InProcessSocketAddress(name));
    }
    return addresses;
  }

  @Override
  public int getPort() {
    return -1;
  }

  @Override
  public synchronized List<ServerServiceDefinition> getServices() {
    return listeners.isEmpty() ? List.of() : listeners.values().iterator().next().getServices();
  }

  @Override
  public synchronized Server shutdown() {
    shutdown = true;
    listeners.values().forEach(Server::shutdown);
    return this;
  }

  @Override
  public synchronized Server shutdownNow() {
    shutdown = true;
    listeners.values().forEach(Server::shutdownNow);
    return this;
  }

  @Override
  public synchronized boolean isShutdown() {
    return shutdown;
  }

  @Override
  public synchronized boolean isTerminated() {
    return shutdown && listeners.values().stream().allMatch(Server::isTerminated);
  }

  @Override
  public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
    long deadline = System.nanoTime() + unit.toNanos(timeout);
    for (Server listener : snapshot()) {
      if (!listener.awaitTermination(
          Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
        return false;
      }
    }
    return isTerminated();
  }

  @Override
  public void awaitTermination() throws InterruptedException {
    for (Server listener : snapshot()) {
      listener.awaitTermination();
    }
  }

  private synchronized List<Server> snapshot() {
    return List.copyOf(listeners.values());
  }

  @Override
  public String toString() {
    return "InProcessListeners[" + baseName + "]";
  }

  /**
   * Gives each connection of a listener a session of its own, carrying the listener's certificate.
   */
  private static final class PeerFilter extends ServerTransportFilter {
    private final X509Certificate certificate;

    PeerFilter(X509Certificate certificate) {
      this.certificate = certificate;
    }

    @Override
    public Attributes transportReady(Attributes transportAttrs) {
      return transportAttrs.toBuilder()
          .set(Grpc.TRANSPORT_ATTR_SSL_SESSION, new PeerSession(certificate))
          .build();
    }
  }
}
