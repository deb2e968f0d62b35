package dev.datapunk.mesh.processor.validation;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;

/**
 * The problems one validator found, each with the most specific place to report it.
 *
 * <p>Validators fill a report and return it; printing is the processor's job.
 */
public final class ValidationReport {

  /**
   * One problem.
   *
   * @param message what rule was broken
   * @param args the arguments of {@code message}
   * @param element the element to report on; empty for a problem of the whole compilation
   * @param annotation the annotation on {@code element} to report on, if more specific
   * @param value the value of {@code annotation} to report on, if more specific
   */
  public record Item(
      Message message,
      List<Object> args,
      Optional<Element> element,
      Optional<AnnotationMirror> annotation,
      Optional<AnnotationValue> value) {

    public Item {
      args = List.copyOf(args);
    }

    /** The text to print. */
    public String text() {
      return message.format(args.toArray());
    }
  }

  private final List<Item> items = new ArrayList<>();

  /** Records a problem of the whole compilation, such as a bad processor option. */
  public ValidationReport onCompilation(Message message, Object... args) {
    items.add(
        new Item(message, List.of(args), Optional.empty(), Optional.empty(), Optional.empty()));
    return this;
  }

  /** Records a problem with {@code element} as a whole. */
  public ValidationReport onElement(Message message, Element element, Object... args) {
    items.add(
        new Item(message, List.of(args), Optional.of(element), Optional.empty(), Optional.empty()));
    return this;
  }

  /** Records a problem with {@code annotation} on {@code element}. */
  public ValidationReport onAnnotation(
      Message message, Element element, AnnotationMirror annotation, Object... args) {
    items.add(
        new Item(
            message,
            List.of(args),
            Optional.of(element),
            Optional.of(annotation),
            Optional.empty()));
    return this;
  }

  /** Records a problem with {@code value} of {@code annotation} on {@code element}. */
  public ValidationReport onValue(
      Message message,
      Element element,
      AnnotationMirror annotation,
      AnnotationValue value,
      Object... args) {
    items.add(
        new Item(
            message,
            List.of(args),
            Optional.of(element),
            Optional.of(annotation),
            Optional.of(value)));
    return this;
  }

  /** Adds every item of {@code other}. */
  public ValidationReport addAll(ValidationReport other) {
    items.addAll(other.items);
    return this;
  }

  /** Whether no problem was found. */
  public boolean isClean() {
    return items.isEmpty();
  }

  /** The problems, in the order they were found. */
  public List<Item> items() {
    return Collections.unmodifiableList(items);
  }
}
