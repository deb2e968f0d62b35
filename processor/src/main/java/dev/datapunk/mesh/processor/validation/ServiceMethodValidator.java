package dev.datapunk.mesh.processor.validation;

import dev.datapunk.mesh.processor.elements.GrpcStub;
import dev.datapunk.mesh.processor.elements.GrpcStubReader;
import dev.datapunk.mesh.processor.elements.MeshAnnotations;
import dev.datapunk.mesh.processor.elements.RpcMethodStub;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.util.ElementFilter;

/**
 * Checks where method-level mesh annotations of a service sit: only on methods that override an RPC
 * method of the service's {@code ImplBase}, and never {@code @Public} with {@code @Secured}.
 */
public final class ServiceMethodValidator {

  private static final List<MeshAnnotations> METHOD_ANNOTATIONS =
      List.of(MeshAnnotations.SECURED, MeshAnnotations.RATE_LIMIT, MeshAnnotations.PUBLIC);

  private final GrpcStubReader stubReader;

  public ServiceMethodValidator(GrpcStubReader stubReader) {
    this.stubReader = stubReader;
  }

  /** Validates the annotated methods declared in {@code service}, which extends {@code stub}. */
  public ValidationReport validate(TypeElement service, GrpcStub stub) {
    ValidationReport report = new ValidationReport();
    for (ExecutableElement method : ElementFilter.methodsIn(service.getEnclosedElements())) {
      boolean rpc = stubReader.rpcMethodOverriddenBy(method, service, stub).isPresent();
      for (MeshAnnotations annotation : METHOD_ANNOTATIONS) {
        Optional<AnnotationMirror> mirror = annotation.on(method);
        if (mirror.isPresent() && !rpc) {
          report.onAnnotation(
              Message.ANNOTATION_NOT_RPC_METHOD,
              method,
              mirror.get(),
              annotation.simpleName(),
              stub.implBase().getSimpleName(),
              rpcMethodNames(stub),
              method);
        }
      }
      Optional<AnnotationMirror> isPublic = MeshAnnotations.PUBLIC.on(method);
      if (isPublic.isPresent() && MeshAnnotations.SECURED.isOn(method)) {
        report.onAnnotation(
            Message.PUBLIC_AND_SECURED, method, isPublic.get(), method.getSimpleName());
      }
    }
    return report;
  }

  private static String rpcMethodNames(GrpcStub stub) {
    if (stub.methods().isEmpty()) {
      return "it has none";
    }
    return stub.methods().stream().map(RpcMethodStub::javaName).collect(Collectors.joining(", "));
  }
}
