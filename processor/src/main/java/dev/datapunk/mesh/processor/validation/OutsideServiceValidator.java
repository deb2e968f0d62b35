package dev.datapunk.mesh.processor.validation;

import dev.datapunk.mesh.processor.elements.MeshAnnotations;
import java.util.Collection;
import javax.lang.model.element.Element;
import javax.lang.model.element.TypeElement;

/**
 * Reports {@code @Secured}, {@code @RateLimit} and {@code @Public} on classes, or on methods of
 * classes, that lack {@code @MeshService}: there they would silently do nothing.
 */
public final class OutsideServiceValidator {

  /** Validates {@code elements}, each annotated with {@code annotation}. */
  public ValidationReport validate(
      MeshAnnotations annotation, Collection<? extends Element> elements) {
    ValidationReport report = new ValidationReport();
    for (Element element : elements) {
      Element owner = element instanceof TypeElement ? element : element.getEnclosingElement();
      if (owner instanceof TypeElement type && !MeshAnnotations.MESH_SERVICE.isOn(type)) {
        annotation
            .on(element)
            .ifPresent(
                mirror ->
                    report.onAnnotation(
                        Message.ANNOTATION_OUTSIDE_SERVICE,
                        element,
                        mirror,
                        annotation.simpleName(),
                        type.getSimpleName()));
      }
    }
    return report;
  }
}
