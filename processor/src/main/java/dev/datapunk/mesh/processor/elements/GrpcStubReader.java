package dev.datapunk.mesh.processor.elements;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.ElementFilter;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;

/**
 * Finds the protoc-generated {@code ImplBase} a service extends and reads its RPC methods.
 *
 * <p>An {@code ImplBase} is recognised by shape, not by name alone: a superclass (direct or
 * indirect) whose simple name ends in {@code ImplBase}, nested in a class whose simple name ends in
 * {@code Grpc}, that implements {@code io.grpc.BindableService}. RPC methods are the static methods
 * of the {@code Grpc} class annotated with {@code io.grpc.stub.annotations.RpcMethod} (class
 * retention, so they are readable from sources and from class files alike).
 */
public final class GrpcStubReader {

  private static final String BINDABLE_SERVICE = "io.grpc.BindableService";
  private static final String RPC_METHOD = "io.grpc.stub.annotations.RpcMethod";
  private static final String SERVICE_NAME = "SERVICE_NAME";

  private final Elements elements;
  private final Types types;

  public GrpcStubReader(Elements elements, Types types) {
    this.elements = elements;
    this.types = types;
  }

  /** Looks for the gRPC stub among the superclasses of {@code service}. */
  public StubLookup find(TypeElement service) {
    TypeMirror superclass = service.getSuperclass();
    while (superclass.getKind() == TypeKind.DECLARED) {
      TypeElement type = (TypeElement) types.asElement(superclass);
      if (isImplBase(type)) {
        return read(type);
      }
      superclass = type.getSuperclass();
    }
    if (superclass.getKind() == TypeKind.ERROR) {
      return new StubLookup.Unresolved(superclass);
    }
    return new StubLookup.NotAnImplBase(service.getSuperclass());
  }

  /**
   * The RPC method that {@code method}, declared in {@code service}, overrides; empty for static
   * methods, helpers and overloads.
   */
  public Optional<RpcMethodStub> rpcMethodOverriddenBy(
      ExecutableElement method, TypeElement service, GrpcStub stub) {
    if (method.getModifiers().contains(Modifier.STATIC)) {
      return Optional.empty();
    }
    String name = method.getSimpleName().toString();
    Optional<RpcMethodStub> rpc = stub.method(name);
    if (rpc.isEmpty()) {
      return Optional.empty();
    }
    for (ExecutableElement candidate :
        ElementFilter.methodsIn(elements.getAllMembers(stub.implBase()))) {
      if (candidate.getSimpleName().contentEquals(name)
          && elements.overrides(method, candidate, service)) {
        return rpc;
      }
    }
    return Optional.empty();
  }

  private boolean isImplBase(TypeElement type) {
    Element enclosing = type.getEnclosingElement();
    if (!type.getSimpleName().toString().endsWith("ImplBase")
        || enclosing.getKind() != ElementKind.CLASS
        || !enclosing.getSimpleName().toString().endsWith("Grpc")) {
      return false;
    }
    TypeElement bindable = elements.getTypeElement(BINDABLE_SERVICE);
    return bindable != null
        && types.isAssignable(types.erasure(type.asType()), types.erasure(bindable.asType()));
  }

  private StubLookup read(TypeElement implBase) {
    TypeElement grpcClass = (TypeElement) implBase.getEnclosingElement();
    Optional<String> serviceName = serviceName(grpcClass);
    if (serviceName.isEmpty()) {
      return new StubLookup.Unreadable(grpcClass.getQualifiedName().toString());
    }
    List<RpcMethodStub> methods = new ArrayList<>();
    for (ExecutableElement getter : ElementFilter.methodsIn(grpcClass.getEnclosedElements())) {
      if (getter.getModifiers().contains(Modifier.STATIC)) {
        rpcMethod(getter).ifPresent(methods::add);
      }
    }
    return new StubLookup.Found(new GrpcStub(implBase, grpcClass, serviceName.get(), methods));
  }

  private static Optional<String> serviceName(TypeElement grpcClass) {
    for (VariableElement field : ElementFilter.fieldsIn(grpcClass.getEnclosedElements())) {
      if (field.getSimpleName().contentEquals(SERVICE_NAME)
          && field.getConstantValue() instanceof String name) {
        return Optional.of(name);
      }
    }
    return Optional.empty();
  }

  private Optional<RpcMethodStub> rpcMethod(ExecutableElement getter) {
    String getterName = getter.getSimpleName().toString();
    Optional<String> javaName = RpcMethodStub.javaNameOf(getterName);
    if (javaName.isEmpty()) {
      return Optional.empty();
    }
    for (AnnotationMirror mirror : getter.getAnnotationMirrors()) {
      TypeElement type = (TypeElement) mirror.getAnnotationType().asElement();
      if (!type.getQualifiedName().contentEquals(RPC_METHOD)) {
        continue;
      }
      Optional<String> fullName =
          MeshAnnotations.value(mirror, "fullMethodName").map(v -> String.valueOf(v.getValue()));
      Optional<String> methodType =
          MeshAnnotations.value(mirror, "methodType").map(GrpcStubReader::enumConstantName);
      if (fullName.isPresent() && methodType.isPresent()) {
        return Optional.of(
            new RpcMethodStub(
                getterName,
                javaName.get(),
                fullName.get(),
                methodType.get(),
                elements.isDeprecated(getter)));
      }
    }
    return Optional.empty();
  }

  private static String enumConstantName(AnnotationValue value) {
    Object raw = value.getValue();
    return raw instanceof VariableElement constant
        ? constant.getSimpleName().toString()
        : String.valueOf(raw);
  }
}
