package dev.datapunk.mesh.processor.elements;

import java.util.Optional;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;

/**
 * The library types that extension points are checked against (the mesh runtime's interfaces,
 * grpc-java's statuses), looked up by name on the compilation's class path: a type that is not
 * there simply matches nothing.
 */
public final class RuntimeTypes {

  /** The interface of user call stages. */
  public static final String CALL_STAGE = "dev.datapunk.mesh.runtime.chain.CallStage";

  /** The interface of dependency health checks. */
  public static final String HEALTH_CHECK = "dev.datapunk.mesh.runtime.health.HealthCheck";

  /** grpc-java's trailers. */
  public static final String METADATA = "io.grpc.Metadata";

  /** What an exception handler may return, in the words of the rule. */
  private static final String[] HANDLER_RESULTS = {
    "io.grpc.Status",
    "io.grpc.StatusRuntimeException",
    "io.grpc.StatusException",
    "com.google.rpc.Status"
  };

  private final Elements elements;
  private final Types types;

  public RuntimeTypes(Elements elements, Types types) {
    this.elements = elements;
    this.types = types;
  }

  /** The type named {@code qualifiedName}, if it is on the class path. */
  public Optional<TypeMirror> named(String qualifiedName) {
    TypeElement element = elements.getTypeElement(qualifiedName);
    return element == null ? Optional.empty() : Optional.of(types.erasure(element.asType()));
  }

  /** Whether {@code type} is a subtype of (or is) the type named {@code qualifiedName}. */
  public boolean isSubtype(TypeMirror type, String qualifiedName) {
    return named(qualifiedName)
        .map(named -> types.isAssignable(types.erasure(type), named))
        .orElse(false);
  }

  /** Whether {@code type} is exactly the type named {@code qualifiedName}. */
  public boolean isSame(TypeMirror type, String qualifiedName) {
    return named(qualifiedName).map(named -> types.isSameType(type, named)).orElse(false);
  }

  /** Whether {@code type} is a type an exception handler may return. */
  public boolean isHandlerResult(TypeMirror type) {
    for (String result : HANDLER_RESULTS) {
      if (isSubtype(type, result)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether {@code type} is a checked exception: an {@link Exception} but not a {@link
   * RuntimeException}.
   */
  public boolean isChecked(TypeMirror type) {
    return isSubtype(type, "java.lang.Exception") && !isSubtype(type, "java.lang.RuntimeException");
  }

  /** The first checked exception {@code method} declares, if any. */
  public Optional<TypeMirror> firstCheckedThrown(ExecutableElement method) {
    return method.getThrownTypes().stream()
        .filter(this::isChecked)
        .map(t -> (TypeMirror) t)
        .findFirst();
  }
}
