package dev.datapunk.mesh.runtime.server;

import dev.datapunk.mesh.runtime.config.Compression;
import dev.datapunk.mesh.runtime.config.MeshConfig;
import dev.datapunk.mesh.runtime.config.ServerSettings;
import dev.datapunk.mesh.runtime.health.ServingStatus;
import io.grpc.Metadata;
import io.grpc.ServerBuilder;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServerStreamTracer;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/**
 * What the mesh puts on a grpc-java server of any {@link ServerTransport}, from the {@code
 * server.*}, {@code health.*} and {@code reflection.*} keys: the mesh services, health and
 * reflection, the executors, the stream tracers, the message limits and response compression.
 */
final class ServerContents {

  private ServerContents() {}

  /**
   * The step that puts {@code services}, plus health and reflection (when enabled) each passed
   * through {@code infrastructureGuard} (the identity allow list) first, on a builder. Calls of
   * {@code services} run on {@code workers}; health and reflection on {@code infrastructure};
   * method lookup on the transport's thread (see {@link CallExecutors}). Every application adds the
   * same services.
   */
  static Consumer<ServerBuilder<?>> of(
      MeshConfig config,
      Executor workers,
      Executor infrastructure,
      List<ServerServiceDefinition> services,
      ServingStatus servingStatus,
      List<ServerStreamTracer.Factory> tracers,
      UnaryOperator<ServerServiceDefinition> infrastructureGuard) {
    ServerSettings server = config.server();
    return builder -> {
      builder
          .directExecutor()
          .maxInboundMessageSize(server.maxInboundMessageSize())
          .maxInboundMetadataSize(server.maxInboundMetadataSize());
      tracers.forEach(builder::addStreamTracerFactory);
      if (server.compression() == Compression.GZIP) {
        builder.intercept(new GzipResponses());
      }
      services.forEach(builder::addService);
      builder.callExecutor(
          new CallExecutors(
              services.stream()
                  .map(s -> s.getServiceDescriptor().getName())
                  .collect(Collectors.toSet()),
              workers,
              infrastructure));
      if (config.health().enabled()) {
        builder.addService(infrastructureGuard.apply(servingStatus.healthService().bindService()));
      }
      if (config.reflectionEnabled()) {
        builder.addService(
            infrastructureGuard.apply(ProtoReflectionServiceV1.newInstance().bindService()));
        builder.addService(infrastructureGuard.apply(reflectionV1Alpha().bindService()));
      }
    };
  }

  /** grpc.reflection.v1alpha, which some clients still speak exclusively. */
  @SuppressWarnings("deprecation")
  private static io.grpc.BindableService reflectionV1Alpha() {
    return io.grpc.protobuf.services.ProtoReflectionService.newInstance();
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
