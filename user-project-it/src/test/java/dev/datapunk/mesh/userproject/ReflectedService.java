package dev.datapunk.mesh.userproject;

import com.google.protobuf.ByteString;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.Descriptors;
import com.google.protobuf.Descriptors.DescriptorValidationException;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A gRPC service of a running server, called by method and field names with the message types the
 * server's reflection service describes: a client that needs none of the service's generated code.
 */
final class ReflectedService {

  private static final long DEADLINE_SECONDS = 10;

  private final Channel channel;
  private final ServiceDescriptor service;

  private ReflectedService(Channel channel, ServiceDescriptor service) {
    this.channel = channel;
    this.service = service;
  }

  /** Asks the server on {@code channel} for the descriptor of {@code fullServiceName}. */
  static ReflectedService describe(Channel channel, String fullServiceName)
      throws InterruptedException,
          ExecutionException,
          TimeoutException,
          InvalidProtocolBufferException,
          DescriptorValidationException {
    CompletableFuture<ServerReflectionResponse> answer = new CompletableFuture<>();
    StreamObserver<ServerReflectionRequest> requests =
        ServerReflectionGrpc.newStub(channel)
            .withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS)
            .serverReflectionInfo(
                new StreamObserver<>() {
                  @Override
                  public void onNext(ServerReflectionResponse response) {
                    answer.complete(response);
                  }

                  @Override
                  public void onError(Throwable t) {
                    answer.completeExceptionally(t);
                  }

                  @Override
                  public void onCompleted() {
                    answer.completeExceptionally(
                        new IllegalStateException("reflection answered nothing"));
                  }
                });
    requests.onNext(
        ServerReflectionRequest.newBuilder().setFileContainingSymbol(fullServiceName).build());
    requests.onCompleted();
    ServerReflectionResponse response = answer.get(DEADLINE_SECONDS, TimeUnit.SECONDS);
    if (response.hasErrorResponse()) {
      throw new IllegalStateException(
          "reflection: " + response.getErrorResponse().getErrorMessage());
    }
    Map<String, FileDescriptorProto> files = new HashMap<>();
    for (ByteString bytes : response.getFileDescriptorResponse().getFileDescriptorProtoList()) {
      FileDescriptorProto file = FileDescriptorProto.parseFrom(bytes);
      files.put(file.getName(), file);
    }
    for (FileDescriptorProto file : files.values()) {
      FileDescriptor built = build(file, files, new HashMap<>());
      String simpleName = fullServiceName.substring(fullServiceName.lastIndexOf('.') + 1);
      ServiceDescriptor service = built.findServiceByName(simpleName);
      if (service != null && service.getFullName().equals(fullServiceName)) {
        return new ReflectedService(channel, service);
      }
    }
    throw new IllegalStateException("reflection did not describe " + fullServiceName);
  }

  private static FileDescriptor build(
      FileDescriptorProto file,
      Map<String, FileDescriptorProto> files,
      Map<String, FileDescriptor> built)
      throws DescriptorValidationException {
    FileDescriptor done = built.get(file.getName());
    if (done != null) {
      return done;
    }
    FileDescriptor[] dependencies = new FileDescriptor[file.getDependencyCount()];
    for (int i = 0; i < dependencies.length; i++) {
      FileDescriptorProto dependency = files.get(file.getDependency(i));
      if (dependency == null) {
        throw new IllegalStateException("reflection left out " + file.getDependency(i));
      }
      dependencies[i] = build(dependency, files, built);
    }
    FileDescriptor result = FileDescriptor.buildFrom(file, dependencies);
    built.put(file.getName(), result);
    return result;
  }

  /**
   * Calls the unary {@code method} with a request whose string fields are {@code fields}, sending
   * {@code headers}.
   *
   * @throws io.grpc.StatusRuntimeException with the status the server answered, if not OK
   */
  DynamicMessage call(String method, Map<String, String> fields, Metadata headers) {
    Descriptors.MethodDescriptor rpc = service.findMethodByName(method);
    if (rpc == null) {
      throw new IllegalArgumentException(service.getFullName() + " has no method " + method);
    }
    DynamicMessage.Builder request = DynamicMessage.newBuilder(rpc.getInputType());
    fields.forEach(
        (name, value) -> request.setField(rpc.getInputType().findFieldByName(name), value));
    MethodDescriptor<DynamicMessage, DynamicMessage> grpcMethod =
        MethodDescriptor.<DynamicMessage, DynamicMessage>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY)
            .setFullMethodName(
                MethodDescriptor.generateFullMethodName(service.getFullName(), method))
            .setRequestMarshaller(
                ProtoUtils.marshaller(DynamicMessage.getDefaultInstance(rpc.getInputType())))
            .setResponseMarshaller(
                ProtoUtils.marshaller(DynamicMessage.getDefaultInstance(rpc.getOutputType())))
            .build();
    Channel withHeaders =
        ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(headers));
    return ClientCalls.blockingUnaryCall(
        withHeaders,
        grpcMethod,
        CallOptions.DEFAULT.withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS),
        request.build());
  }

  /** The string field {@code name} of {@code message}. */
  static String field(DynamicMessage message, String name) {
    return (String) message.getField(message.getDescriptorForType().findFieldByName(name));
  }
}
