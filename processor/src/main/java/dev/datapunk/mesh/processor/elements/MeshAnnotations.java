package dev.datapunk.mesh.processor.elements;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;

/**
 * The mesh annotations, and lookups of their mirrors and values on an element.
 *
 * <p>Annotations are found by qualified name, so nothing here needs the annotation classes at run
 * time of the processor.
 */
public enum MeshAnnotations {
  MESH_SERVICE("MeshService"),
  SECURED("Secured"),
  RATE_LIMIT("RateLimit"),
  PUBLIC("Public"),
  EXCEPTION_HANDLER("MeshExceptionHandler"),
  ADVICE("MeshAdvice"),
  STAGE("MeshStage"),
  HEALTH_CHECK("MeshHealthCheck"),
  FACTORY("MeshFactory");

  /** The package of the mesh annotations. */
  public static final String PACKAGE = "dev.datapunk.mesh.annotations";

  private final String simpleName;

  MeshAnnotations(String simpleName) {
    this.simpleName = simpleName;
  }

  /** The simple name, e.g. {@code RateLimit}. */
  public String simpleName() {
    return simpleName;
  }

  /** The qualified name, e.g. {@code dev.datapunk.mesh.annotations.RateLimit}. */
  public String qualifiedName() {
    return PACKAGE + "." + simpleName;
  }

  /** The mirror of this annotation on {@code element}, if present. */
  public Optional<AnnotationMirror> on(Element element) {
    for (AnnotationMirror mirror : element.getAnnotationMirrors()) {
      TypeElement type = (TypeElement) mirror.getAnnotationType().asElement();
      if (type.getQualifiedName().contentEquals(qualifiedName())) {
        return Optional.of(mirror);
      }
    }
    return Optional.empty();
  }

  /** Whether this annotation is present on {@code element}. */
  public boolean isOn(Element element) {
    return on(element).isPresent();
  }

  /**
   * The explicitly written value of member {@code name} of {@code mirror}; empty when the member is
   * missing (javac reports that itself).
   */
  public static Optional<AnnotationValue> value(AnnotationMirror mirror, String name) {
    for (Map.Entry<? extends ExecutableElement, ? extends AnnotationValue> entry :
        mirror.getElementValues().entrySet()) {
      if (entry.getKey().getSimpleName().contentEquals(name)) {
        return Optional.of(entry.getValue());
      }
    }
    return Optional.empty();
  }

  /**
   * The entries of an array-valued annotation member. A single value written without braces ({@code
   * scopes = "a"}) is one entry.
   */
  public static List<? extends AnnotationValue> arrayEntries(AnnotationValue value) {
    Object raw = value.getValue();
    if (raw instanceof List<?>) {
      @SuppressWarnings("unchecked") // javac represents array members as List<AnnotationValue>
      List<? extends AnnotationValue> entries = (List<? extends AnnotationValue>) raw;
      return entries;
    }
    return List.of(value);
  }
}
