package dev.datapunk.mesh.runtime.server;

import dev.datapunk.mesh.runtime.config.Compression;
import dev.datapunk.mesh.runtime.config.MeshConfig;
import dev.datapunk.mesh.runtime.config.ServerSettings;
import dev.datapunk.mesh.runtime.health.ServingStatus;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerCredentials;
import io.grpc.ServerInterceptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServerStreamTracer;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/** Builds the Netty server from the {@code server.*}, {@code health.*} and {@code reflection.*} keys. */
final class NettyServers {

  private NettyServers() {}

  /**
   * The server for {@code services}, plus health and reflection (when enabled) each passed through
   * {@code infrastructureGuard} (the identity allow list) first. Calls of {@code services} run on
   * {@code workers}; health and reflection on {@code infrastructure}; method lookup on the Netty
   * thread (see {@link CallExecutors}).
   */
  static Server build(MeshConfig config, ServerCredentials credentials, Executor workers,
      Executor infrastructure, List<ServerServiceDefinition> services, ServingStatus servingStatus, List<ServerStreamTracer.Factory> tracers,
      UnaryOperator<ServerServiceDefinition> infrastructureGuard) {
    ServerSettings server = config.server();
    NettyServerBuilder builder = NettyServerBuilder
        .forAddress(new InetSocketAddress(server.host(), server.port()), credentials)
        .directExecutor()
        .maxInboundMessageSize(server.maxInboundMessageSize())
        .maxInboundMetadataSize(server.maxInboundMetadataSize())
        .keepAliveTime(nanos(server.keepAliveTime()), TimeUnit.NANOSECONDS)
        .keepAliveTimeout(nanos(server.keepAliveTimeout()), TimeUnit.NANOSECONDS)
        .permitKeepAliveTime(nanos(server.permitKeepAliveTime()), TimeUnit.NANOSECONDS);
    tracers.forEach(builder::addStreamTracerFactory);
    server.maxConnectionIdle().ifPresent(d -> builder.maxConnectionIdle(nanos(d), TimeUnit.NANOSECONDS));
    server.maxConnectionAge().ifPresent(d -> builder.maxConnectionAge(nanos(d), TimeUnit.NANOSECONDS));
    server.maxConnectionAgeGrace().ifPresent(d -> builder.maxConnectionAgeGrace(nanos(d), TimeUnit.NANOSECONDS));
    server.maxConcurrentCallsPerConnection().ifPresent(builder::maxConcurrentCallsPerConnection);
    if (server.compression() == Compression.GZIP) {
      builder.intercept(new GzipResponses());
    }
    services.forEach(builder::addService);
    builder.callExecutor(new CallExecutors(
        services.stream().map(s -> s.getServiceDescriptor().getName()).collect(Collectors.toSet()), workers, infrastructure));
    if (config.health().enabled()) {
      builder.addService(infrastructureGuard.apply(servingStatus.healthService().bindService()));
    }
    if (config.reflectionEnabled()) {
      builder.addService(infrastructureGuard.apply(ProtoReflectionServiceV1.newInstance().bindService()));
      builder.addService(infrastructureGuard.apply(reflectionV1Alpha().bindService()));
    }
    return builder.build();
  }

  /** grpc.reflection.v1alpha, which some clients still speak exclusively. */
  @SuppressWarnings("deprecation")
  private static io.grpc.BindableService reflectionV1Alpha() {
    return io.grpc.protobuf.services.ProtoReflectionService.newInstance();
  }

  private static long nanos(Duration duration) {
    return duration.toNanos();
  }

  /** Compresses responses with gzip for clients that accept it. */
  private static final class GzipResponses implements ServerInterceptor {
    @Override
    public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
        ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
      call.setCompression("gzip");
      return next.startCall(call, headers);
    }
  }
}
