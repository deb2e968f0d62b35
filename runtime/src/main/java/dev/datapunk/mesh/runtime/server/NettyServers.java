package dev.datapunk.mesh.runtime.server;

import dev.datapunk.mesh.runtime.config.ServerSettings;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.ServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The default {@link ServerTransport}: Netty on {@code server.host:server.port} with the connection
 * settings of {@code server.*}.
 */
final class NettyServers {

  private NettyServers() {}

  /**
   * A Netty server with {@code credentials} and the connection settings of {@code server}, carrying
   * {@code mesh}.
   */
  static Server build(
      ServerSettings server, ServerCredentials credentials, Consumer<ServerBuilder<?>> mesh) {
    NettyServerBuilder builder =
        NettyServerBuilder.forAddress(
                new InetSocketAddress(server.host(), server.port()), credentials)
            .keepAliveTime(nanos(server.keepAliveTime()), TimeUnit.NANOSECONDS)
            .keepAliveTimeout(nanos(server.keepAliveTimeout()), TimeUnit.NANOSECONDS)
            .permitKeepAliveTime(nanos(server.permitKeepAliveTime()), TimeUnit.NANOSECONDS);
    server
        .maxConnectionIdle()
        .ifPresent(d -> builder.maxConnectionIdle(nanos(d), TimeUnit.NANOSECONDS));
    server
        .maxConnectionAge()
        .ifPresent(d -> builder.maxConnectionAge(nanos(d), TimeUnit.NANOSECONDS));
    server
        .maxConnectionAgeGrace()
        .ifPresent(d -> builder.maxConnectionAgeGrace(nanos(d), TimeUnit.NANOSECONDS));
    server.maxConcurrentCallsPerConnection().ifPresent(builder::maxConcurrentCallsPerConnection);
    mesh.accept(builder);
    return builder.build();
  }

  private static long nanos(Duration duration) {
    return duration.toNanos();
  }
}
