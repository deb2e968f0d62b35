package dev.datapunk.mesh.processor.elements;

import java.util.List;
import java.util.Optional;
import javax.lang.model.element.TypeElement;

/**
 * The protoc-generated stub a mesh service extends.
 *
 * @param implBase the {@code XxxGrpc.XxxImplBase} class
 * @param grpcClass the enclosing {@code XxxGrpc} class
 * @param serviceName the gRPC service name, from {@code XxxGrpc.SERVICE_NAME}
 * @param methods the RPC methods in declaration order, which is the order of the proto file
 */
public record GrpcStub(
    TypeElement implBase, TypeElement grpcClass, String serviceName, List<RpcMethodStub> methods) {

  public GrpcStub {
    methods = List.copyOf(methods);
  }

  /** The RPC method whose service method is named {@code javaName}. */
  public Optional<RpcMethodStub> method(String javaName) {
    return methods.stream().filter(m -> m.javaName().equals(javaName)).findFirst();
  }
}
