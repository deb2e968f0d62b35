package dev.datapunk.mesh.processor.validation;

import dev.datapunk.mesh.processor.elements.MeshAnnotations;
import dev.datapunk.mesh.processor.elements.RuntimeTypes;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.Elements;

/**
 * Checks the classes that extend what the generated bootstrap wires: {@code @MeshStage} and
 * {@code @MeshHealthCheck} classes (which it creates with {@code new}, so they must be creatable
 * and implement the runtime's interface) and {@code @MeshAdvice} classes (whose static handlers it
 * calls, so they must be reachable).
 */
public final class ExtensionClassValidator {

  private final ClassShape shape;
  private final RuntimeTypes runtimeTypes;

  public ExtensionClassValidator(Elements elements, RuntimeTypes runtimeTypes) {
    this.shape = new ClassShape(elements, runtimeTypes);
    this.runtimeTypes = runtimeTypes;
  }

  /** Validates a {@code @MeshStage} class and the shape of its {@code services}. */
  public ValidationReport validateStage(TypeElement stage) {
    ValidationReport report =
        creatable(
            stage,
            Message.STAGE_CLASS,
            RuntimeTypes.CALL_STAGE,
            Message.STAGE_TYPE,
            Message.STAGE_CONSTRUCTOR);
    AnnotationMirror mirror = MeshAnnotations.STAGE.on(stage).orElseThrow();
    MeshAnnotations.value(mirror, "services")
        .ifPresent(
            services -> {
              Set<String> seen = new HashSet<>();
              for (AnnotationValue entry : MeshAnnotations.arrayEntries(services)) {
                if (!(entry.getValue() instanceof DeclaredType type)) {
                  continue; // javac reports a class literal that does not resolve
                }
                TypeElement service = (TypeElement) type.asElement();
                String name = service.getQualifiedName().toString();
                if (!MeshAnnotations.MESH_SERVICE.isOn(service)) {
                  report.onValue(Message.STAGE_SERVICE, stage, mirror, entry, name + " is not one");
                } else if (!seen.add(name)) {
                  report.onValue(
                      Message.STAGE_SERVICE, stage, mirror, entry, name + " is listed twice");
                }
              }
            });
    return report;
  }

  /** Validates a {@code @MeshHealthCheck} class. */
  public ValidationReport validateHealthCheck(TypeElement check) {
    return creatable(
        check,
        Message.HEALTH_CHECK_CLASS,
        RuntimeTypes.HEALTH_CHECK,
        Message.HEALTH_CHECK_TYPE,
        Message.HEALTH_CHECK_CONSTRUCTOR);
  }

  /** Validates a {@code @MeshAdvice} class. */
  public ValidationReport validateAdvice(TypeElement advice) {
    ValidationReport report = new ValidationReport();
    AnnotationMirror mirror = MeshAnnotations.ADVICE.on(advice).orElseThrow();
    String name = advice.getSimpleName().toString();
    if (advice.getKind() != ElementKind.CLASS) {
      return report.onAnnotation(
          Message.ADVICE_CLASS,
          advice,
          mirror,
          name + " is " + ClassShape.describe(advice.getKind()));
    }
    if (MeshAnnotations.MESH_SERVICE.isOn(advice)) {
      return report.onAnnotation(Message.ADVICE_ON_SERVICE, advice, mirror, name);
    }
    shape
        .notReachable(advice)
        .ifPresent(problem -> report.onAnnotation(Message.ADVICE_CLASS, advice, mirror, problem));
    return report;
  }

  private ValidationReport creatable(
      TypeElement type,
      Message shapeMessage,
      String requiredInterface,
      Message typeMessage,
      Message constructorMessage) {
    ValidationReport report = new ValidationReport();
    String name = type.getSimpleName().toString();
    Optional<String> problem = shape.notCreatable(type);
    if (problem.isPresent()) {
      return report.onElement(shapeMessage, type, problem.get());
    }
    TypeMirror mirror = type.asType();
    if (!runtimeTypes.isSubtype(mirror, requiredInterface)) {
      report.onElement(typeMessage, type, name);
    }
    shape
        .unusableConstructor(type)
        .ifPresent(element -> report.onElement(constructorMessage, element, name, name));
    return report;
  }
}
