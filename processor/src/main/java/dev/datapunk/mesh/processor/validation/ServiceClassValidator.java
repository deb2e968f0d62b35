package dev.datapunk.mesh.processor.validation;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.ElementFilter;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;

/**
 * Checks that a {@code @MeshService} class can be created by the generated bootstrap: a concrete,
 * public, top-level or static nested, non-generic class with a public no-argument constructor
 * that throws no checked exception. Whether it extends an {@code ImplBase} is checked apart, since
 * the stubs may only appear in a later round.
 */
public final class ServiceClassValidator {

  private final Elements elements;
  private final Types types;

  public ServiceClassValidator(Elements elements, Types types) {
    this.elements = elements;
    this.types = types;
  }

  /** Validates the shape of {@code service}, an element annotated {@code @MeshService}. */
  public ValidationReport validate(TypeElement service) {
    ValidationReport report = new ValidationReport();
    String name = service.getSimpleName().toString();
    if (service.getKind() != ElementKind.CLASS) {
      return report.onElement(Message.SERVICE_NOT_CLASS, service, name, describe(service.getKind()));
    }
    if (service.getModifiers().contains(Modifier.ABSTRACT)) {
      report.onElement(Message.SERVICE_ABSTRACT, service, name);
    }
    switch (service.getNestingKind()) {
      case MEMBER -> {
        if (!service.getModifiers().contains(Modifier.STATIC)) {
          report.onElement(Message.SERVICE_NOT_STATIC, service, name, "an inner class (declare it static)");
        }
      }
      case LOCAL -> report.onElement(Message.SERVICE_NOT_STATIC, service, name, "a local class");
      case ANONYMOUS -> report.onElement(Message.SERVICE_NOT_STATIC, service, name, "an anonymous class");
      case TOP_LEVEL -> { }
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
    unusableConstructor(service)
        .ifPresent(element -> report.onElement(Message.SERVICE_CONSTRUCTOR, element, name, name));
    return report;
  }

  /**
   * Where the generated bootstrap's {@code new Service()} fails, if it does: the public no-argument
   * constructor when it declares a checked exception, the class when it has no such constructor.
   */
  private Optional<Element> unusableConstructor(TypeElement service) {
    TypeMirror checked = elements.getTypeElement("java.lang.Exception").asType();
    TypeMirror unchecked = elements.getTypeElement("java.lang.RuntimeException").asType();
    for (ExecutableElement constructor : ElementFilter.constructorsIn(service.getEnclosedElements())) {
      if (elements.getOrigin(constructor) == Elements.Origin.MANDATED) {
        return Optional.empty(); // the implicit constructor: as public as the class, which is checked apart
      }
      if (constructor.getModifiers().contains(Modifier.PUBLIC) && constructor.getParameters().isEmpty()) {
        List<? extends TypeMirror> thrown = constructor.getThrownTypes();
        boolean throwsChecked = thrown.stream()
            .anyMatch(t -> types.isSubtype(t, checked) && !types.isSubtype(t, unchecked));
        return throwsChecked ? Optional.of(constructor) : Optional.empty();
      }
    }
    return Optional.of(service);
  }

  private static String describe(ElementKind kind) {
    return switch (kind) {
      case INTERFACE -> "an interface";
      case ENUM -> "an enum";
      case ANNOTATION_TYPE -> "an annotation type";
      case RECORD -> "a record";
      default -> "a " + kind.name().toLowerCase(Locale.ROOT);
    };
  }
}
