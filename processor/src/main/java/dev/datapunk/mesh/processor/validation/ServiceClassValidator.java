package dev.datapunk.mesh.processor.validation;

import dev.datapunk.mesh.processor.elements.RuntimeTypes;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;

/**
 * Checks that a {@code @MeshService} class can be created by the generated bootstrap: a concrete,
 * public, top-level or static nested, non-generic class with a public no-argument constructor that
 * throws no checked exception, unless a {@code @MeshFactory} method creates it. Whether it extends
 * an {@code ImplBase} is checked apart, since the stubs may only appear in a later round.
 */
public final class ServiceClassValidator {

  private final ClassShape shape;

  public ServiceClassValidator(Elements elements, Types types) {
    this.shape = new ClassShape(elements, new RuntimeTypes(elements, types));
  }

  /**
   * Validates the shape of {@code service}, an element annotated {@code @MeshService}; its
   * constructor only when no {@code @MeshFactory} method creates it ({@code createdByFactory}).
   */
  public ValidationReport validate(TypeElement service, boolean createdByFactory) {
    ValidationReport report = new ValidationReport();
    String name = service.getSimpleName().toString();
    if (service.getKind() != ElementKind.CLASS) {
      return report.onElement(
          Message.SERVICE_NOT_CLASS, service, name, ClassShape.describe(service.getKind()));
    }
    if (service.getModifiers().contains(Modifier.ABSTRACT)) {
      report.onElement(Message.SERVICE_ABSTRACT, service, name);
    }
    switch (service.getNestingKind()) {
      case MEMBER -> {
        if (!service.getModifiers().contains(Modifier.STATIC)) {
          report.onElement(
              Message.SERVICE_NOT_STATIC, service, name, "an inner class (declare it static)");
        }
      }
      case LOCAL -> report.onElement(Message.SERVICE_NOT_STATIC, service, name, "a local class");
      case ANONYMOUS ->
          report.onElement(Message.SERVICE_NOT_STATIC, service, name, "an anonymous class");
      case TOP_LEVEL -> {}
    }
    for (Element type = service; type instanceof TypeElement; type = type.getEnclosingElement()) {
      if (!type.getModifiers().contains(Modifier.PUBLIC)) {
        report.onElement(Message.SERVICE_NOT_PUBLIC, service, name, type.getSimpleName());
        break;
      }
    }
    if (!service.getTypeParameters().isEmpty()) {
      report.onElement(Message.SERVICE_GENERIC, service, name);
    }
    if (!createdByFactory) {
      shape
          .unusableConstructor(service)
          .ifPresent(element -> report.onElement(Message.SERVICE_CONSTRUCTOR, element, name, name));
    }
    return report;
  }
}
