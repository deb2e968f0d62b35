package dev.datapunk.mesh.processor.model;

import com.squareup.javapoet.ClassName;
import java.util.List;
import javax.lang.model.element.TypeElement;

/**
 * One valid mesh service.
 *
 * @param element the service class, the originating element of what is generated for it
 * @param serviceClass the service class
 * @param implBase the protoc-generated {@code XxxGrpc.XxxImplBase} it extends
 * @param grpcClass the protoc-generated {@code XxxGrpc} class
 * @param serviceName the gRPC service name, e.g. {@code datapunk.inventory.v1.InventoryService}
 * @param methods every RPC method of the gRPC service, in declaration order
 * @param exceptionHandlers the service's own exception handlers, most specific type first
 */
public record ServiceModel(
    TypeElement element,
    ClassName serviceClass,
    ClassName implBase,
    ClassName grpcClass,
    String serviceName,
    List<RpcMethodModel> methods,
    List<ExceptionHandlerModel> exceptionHandlers) {

  /** Suffix of binding class names. */
  public static final String BINDING_SUFFIX = "_MeshBinding";

  public ServiceModel {
    methods = List.copyOf(methods);
    exceptionHandlers = ExceptionHandlerModel.ordered(exceptionHandlers);
  }

  /** {@code <Simple>_MeshBinding}, or {@code Outer_Inner_MeshBinding}, in the service's package. */
  public ClassName bindingClass() {
    return ClassName.get(
        serviceClass.packageName(), String.join("_", serviceClass.simpleNames()) + BINDING_SUFFIX);
  }

  /** Whether any RPC descriptor getter the binding calls is deprecated. */
  public boolean usesDeprecated() {
    return methods.stream().anyMatch(RpcMethodModel::deprecated);
  }
}
