package dev.datapunk.mesh.runtime.server;

import dev.datapunk.mesh.runtime.config.ServerSettings;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.ServerCredentials;
import java.util.function.Consumer;

/**
 * The grpc-java transport a {@link MeshServer} takes its calls from. The server hands the transport
 * everything the mesh puts on a grpc-java server as one step, {@code mesh}: each mesh service
 * behind its call chain, health and reflection behind the identity allow list, the executors, the
 * stream tracers, the message limits and response compression. The transport makes a builder of its
 * kind, applies {@code mesh} to it and builds it. Every transport therefore serves the same stages
 * in the same order; only the way calls arrive differs.
 *
 * <p>The default is Netty on {@code server.host:server.port}, with the credentials given to {@link
 * MeshServerBuilder#credentials} and the connection settings of {@code server.*} (keepalive,
 * connection idle time and age, calls per connection). Another transport, set with {@link
 * MeshServerBuilder#transport}, is for running the same server without a network: grpc-java's
 * in-process transport in tests, which has neither ports nor TLS.
 */
@FunctionalInterface
public interface ServerTransport {

  /**
   * Builds the grpc-java server, not started.
   *
   * @param settings the {@code server.*} settings: address and connection settings, for a transport
   *     that has them
   * @param credentials the transport credentials; a transport without TLS ignores them
   * @param mesh puts the mesh on a builder. A transport may apply it to several builders and return
   *     one server over all of them (several listeners sharing one call chain, its engines and
   *     executors); each application adds the same services.
   */
  Server build(
      ServerSettings settings, ServerCredentials credentials, Consumer<ServerBuilder<?>> mesh);
}
