package dev.datapunk.mesh.processor.validation;

import dev.datapunk.mesh.processor.elements.MeshAnnotations;
import dev.datapunk.mesh.processor.elements.RuntimeTypes;
import java.util.List;
import java.util.Optional;
import javax.lang.model.element.Element;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;

/**
 * Checks {@code @MeshExceptionHandler} methods: where they are (a {@code @MeshService} or a
 * {@code @MeshAdvice} class), their signature, and that a scope handles each exception type once.
 */
public final class ExceptionHandlerValidator {

  /** Whose calls a handler applies to. */
  public enum Scope {
    /** A method of a {@code @MeshService} class: that service's calls. */
    SERVICE,
    /** A method of a {@code @MeshAdvice} class: every service's calls. */
    GLOBAL
  }

  private final Types types;
  private final RuntimeTypes runtimeTypes;
  private final ClassShape shape;

  public ExceptionHandlerValidator(Elements elements, Types types, RuntimeTypes runtimeTypes) {
    this.types = types;
    this.runtimeTypes = runtimeTypes;
    this.shape = new ClassShape(elements, runtimeTypes);
  }

  /**
   * The scope of {@code handler}, a method annotated {@code @MeshExceptionHandler}; empty when none
   * applies it.
   */
  public static Optional<Scope> scopeOf(ExecutableElement handler) {
    Element owner = handler.getEnclosingElement();
    if (MeshAnnotations.MESH_SERVICE.isOn(owner)) {
      return Optional.of(Scope.SERVICE);
    }
    return MeshAnnotations.ADVICE.isOn(owner) ? Optional.of(Scope.GLOBAL) : Optional.empty();
  }

  /** Reports a handler that no scope applies (its class is neither a service nor advice). */
  public ValidationReport validatePlacement(ExecutableElement handler) {
    ValidationReport report = new ValidationReport();
    if (scopeOf(handler).isEmpty()) {
      MeshAnnotations.EXCEPTION_HANDLER
          .on(handler)
          .ifPresent(
              mirror ->
                  report.onAnnotation(
                      Message.EXCEPTION_HANDLER_UNREACHABLE,
                      handler,
                      mirror,
                      describe(handler),
                      handler.getEnclosingElement().getSimpleName()));
    }
    return report;
  }

  /**
   * Checks the signature of {@code handler}, a handler of {@code scope}; reports the first problem.
   */
  public ValidationReport validateSignature(ExecutableElement handler, Scope scope) {
    ValidationReport report = new ValidationReport();
    Optional<String> methodProblem = methodProblem(handler, scope);
    if (methodProblem.isPresent()) {
      return report.onElement(
          Message.EXCEPTION_HANDLER_SIGNATURE, handler, describe(handler), methodProblem.get());
    }
    List<? extends VariableElement> parameters = handler.getParameters();
    VariableElement exception = parameters.get(0);
    if (!isException(exception.asType())) {
      return report.onElement(
          Message.EXCEPTION_HANDLER_SIGNATURE,
          exception,
          describe(handler),
          "takes " + exception.asType() + " first, which is not a subtype of java.lang.Exception");
    }
    TypeElement exceptionType = (TypeElement) types.asElement(exception.asType());
    Optional<String> hidden =
        scope == Scope.GLOBAL
            ? shape.notReachable(exceptionType)
            : shape.privateInside(exceptionType);
    if (hidden.isPresent()) {
      return report.onElement(
          Message.EXCEPTION_HANDLER_SIGNATURE,
          exception,
          describe(handler),
          "takes "
              + exception.asType()
              + ", which the generated "
              + (scope == Scope.GLOBAL ? "bootstrap" : "binding")
              + " cannot name: "
              + hidden.get());
    }
    if (parameters.size() == 2
        && !runtimeTypes.isSame(parameters.get(1).asType(), RuntimeTypes.METADATA)) {
      return report.onElement(
          Message.EXCEPTION_HANDLER_SIGNATURE,
          parameters.get(1),
          describe(handler),
          "takes " + parameters.get(1).asType() + " second, not io.grpc.Metadata");
    }
    if (!runtimeTypes.isHandlerResult(handler.getReturnType())) {
      return report.onElement(
          Message.EXCEPTION_HANDLER_SIGNATURE,
          handler,
          describe(handler),
          "returns " + handler.getReturnType());
    }
    runtimeTypes
        .firstCheckedThrown(handler)
        .ifPresent(
            thrown ->
                report.onElement(
                    Message.EXCEPTION_HANDLER_SIGNATURE,
                    handler,
                    describe(handler),
                    "throws checked exception " + thrown));
    return report;
  }

  private static Optional<String> methodProblem(ExecutableElement handler, Scope scope) {
    if (scope == Scope.GLOBAL
        && !(handler.getModifiers().contains(Modifier.PUBLIC)
            && handler.getModifiers().contains(Modifier.STATIC))) {
      return Optional.of(
          "is not public static, but a @MeshAdvice class is never instantiated and the"
              + " generated bootstrap calls its handlers");
    }
    if (scope == Scope.SERVICE && handler.getModifiers().contains(Modifier.PRIVATE)) {
      return Optional.of("is private, but the generated binding calls it");
    }
    if (!handler.getTypeParameters().isEmpty()) {
      return Optional.of("declares type parameters");
    }
    int count = handler.getParameters().size();
    if (count < 1 || count > 2) {
      return Optional.of("takes " + count + " parameters");
    }
    return Optional.empty();
  }

  private boolean isException(TypeMirror type) {
    return type.getKind() == TypeKind.DECLARED
        && runtimeTypes.isSubtype(type, "java.lang.Exception");
  }

  /**
   * Reports each handler of {@code handlers} (valid ones of one scope, in declaration order) whose
   * exception type an earlier one already handles.
   *
   * @param scope the scope's name for the message, e.g. {@code service OrderService}
   */
  public ValidationReport validateDuplicates(List<ExecutableElement> handlers, String scope) {
    ValidationReport report = new ValidationReport();
    for (int i = 0; i < handlers.size(); i++) {
      report.addAll(validateDuplicate(handlers.get(i), handlers.subList(0, i), scope));
    }
    return report;
  }

  /**
   * Reports {@code handler} when one of {@code earlier} (valid handlers of its scope) handles the
   * same type.
   */
  public ValidationReport validateDuplicate(
      ExecutableElement handler, List<ExecutableElement> earlier, String scope) {
    ValidationReport report = new ValidationReport();
    String type = exceptionType(handler);
    earlier.stream()
        .filter(other -> exceptionType(other).equals(type))
        .findFirst()
        .ifPresent(
            other ->
                report.onElement(
                    Message.EXCEPTION_HANDLER_DUPLICATE,
                    handler,
                    describe(handler),
                    describe(other),
                    type,
                    scope));
    return report;
  }

  private String exceptionType(ExecutableElement handler) {
    TypeMirror exception = types.erasure(handler.getParameters().get(0).asType());
    return ((TypeElement) types.asElement(exception)).getQualifiedName().toString();
  }

  /** {@code Owner.method(Parameter,...)}. */
  static String describe(ExecutableElement method) {
    return method.getEnclosingElement().getSimpleName() + "." + method;
  }
}
