package dev.datapunk.mesh.processor.model;

import com.squareup.javapoet.ClassName;
import dev.datapunk.mesh.processor.elements.GrpcStub;
import dev.datapunk.mesh.processor.elements.GrpcStubReader;
import dev.datapunk.mesh.processor.elements.MeshAnnotations;
import dev.datapunk.mesh.processor.elements.RpcMethodStub;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.util.ElementFilter;
import javax.lang.model.util.Types;

/**
 * Builds the {@link ServiceModel} of a validated service.
 *
 * <p>Every RPC method of the gRPC service gets a policy, including methods the class does not
 * override (they get the class-level policy; grpc-java answers them {@code UNIMPLEMENTED}). Only
 * annotations on the {@code @MeshService} class itself and on methods it declares count, exception
 * handlers included.
 */
public final class ServiceModelFactory {

  /** Name of the binding's list of all policies; RPC constants never take it. */
  public static final String POLICIES = "POLICIES";

  private final GrpcStubReader stubReader;
  private final Types types;

  public ServiceModelFactory(GrpcStubReader stubReader, Types types) {
    this.stubReader = stubReader;
    this.types = types;
  }

  /** The model of {@code service}, which extends {@code stub} and passed validation. */
  public ServiceModel create(TypeElement service, GrpcStub stub) {
    Map<String, DeclaredPolicy> declaredByRpc = new HashMap<>();
    List<ExceptionHandlerModel> handlers = new ArrayList<>();
    for (ExecutableElement method : ElementFilter.methodsIn(service.getEnclosedElements())) {
      stubReader
          .rpcMethodOverriddenBy(method, service, stub)
          .ifPresent(rpc -> declaredByRpc.put(rpc.javaName(), DeclaredPolicy.of(method)));
      if (MeshAnnotations.EXCEPTION_HANDLER.isOn(method)) {
        handlers.add(ExceptionHandlerModel.of(method, types));
      }
    }
    DeclaredPolicy classLevel = DeclaredPolicy.of(service);
    Set<String> constants = new HashSet<>(Set.of(POLICIES));
    List<RpcMethodModel> methods = new ArrayList<>();
    for (RpcMethodStub rpc : stub.methods()) {
      String constant = ConstantNames.unique(ConstantNames.of(rpc.javaName()), constants);
      constants.add(constant);
      PolicyModel policy =
          PolicyResolver.resolve(
              classLevel, declaredByRpc.getOrDefault(rpc.javaName(), DeclaredPolicy.NONE));
      methods.add(
          new RpcMethodModel(
              rpc.javaName(),
              rpc.fullMethodName(),
              rpc.getterName(),
              rpc.methodType(),
              constant,
              rpc.deprecated(),
              policy));
    }
    return new ServiceModel(
        service,
        ClassName.get(service),
        ClassName.get(stub.implBase()),
        ClassName.get(stub.grpcClass()),
        stub.serviceName(),
        methods,
        handlers);
  }
}
