package dev.datapunk.mesh.processor.validation;

import dev.datapunk.mesh.processor.elements.RuntimeTypes;
import java.util.Locale;
import java.util.Optional;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.util.ElementFilter;
import javax.lang.model.util.Elements;

/**
 * What generated code needs of a class it refers to, creates or calls: public all the way out,
 * top-level or static nested, concrete and not generic, with a usable no-argument constructor. Each
 * check answers what is wrong, in words for a message, or nothing.
 */
final class ClassShape {

  private final Elements elements;
  private final RuntimeTypes runtimeTypes;

  ClassShape(Elements elements, RuntimeTypes runtimeTypes) {
    this.elements = elements;
    this.runtimeTypes = runtimeTypes;
  }

  /**
   * Why code in another package cannot name {@code type}: it or an enclosing class is not public.
   */
  Optional<String> notReachable(TypeElement type) {
    for (Element e = type; e instanceof TypeElement enclosing; e = e.getEnclosingElement()) {
      if (!enclosing.getModifiers().contains(Modifier.PUBLIC)) {
        return Optional.of(enclosing.getSimpleName() + " is not public");
      }
    }
    return Optional.empty();
  }

  /** Why code in the same package cannot name {@code type}: it or an enclosing class is private. */
  Optional<String> privateInside(TypeElement type) {
    for (Element e = type; e instanceof TypeElement enclosing; e = e.getEnclosingElement()) {
      if (enclosing.getModifiers().contains(Modifier.PRIVATE)) {
        return Optional.of(enclosing.getSimpleName() + " is private");
      }
    }
    return Optional.empty();
  }

  /** Why generated code cannot create {@code type} with {@code new}, its constructor aside. */
  Optional<String> notCreatable(TypeElement type) {
    String name = type.getSimpleName().toString();
    if (type.getKind() != ElementKind.CLASS) {
      return Optional.of(name + " is " + describe(type.getKind()));
    }
    if (type.getModifiers().contains(Modifier.ABSTRACT)) {
      return Optional.of(name + " is abstract");
    }
    Optional<String> nesting =
        switch (type.getNestingKind()) {
          case MEMBER ->
              type.getModifiers().contains(Modifier.STATIC)
                  ? Optional.empty()
                  : Optional.of(name + " is an inner class (declare it static)");
          case LOCAL -> Optional.of(name + " is a local class");
          case ANONYMOUS -> Optional.of(name + " is an anonymous class");
          case TOP_LEVEL -> Optional.empty();
        };
    if (nesting.isPresent()) {
      return nesting;
    }
    Optional<String> unreachable = notReachable(type);
    if (unreachable.isPresent()) {
      return unreachable;
    }
    return type.getTypeParameters().isEmpty()
        ? Optional.empty()
        : Optional.of(name + " declares type parameters");
  }

  /**
   * Where generated code's {@code new Type()} fails, if it does: the public no-argument constructor
   * when it declares a checked exception, the class when it has no such constructor.
   */
  Optional<Element> unusableConstructor(TypeElement type) {
    for (ExecutableElement constructor : ElementFilter.constructorsIn(type.getEnclosedElements())) {
      if (elements.getOrigin(constructor) == Elements.Origin.MANDATED) {
        return Optional
            .empty(); // the implicit constructor: as public as the class, which is checked apart
      }
      if (constructor.getModifiers().contains(Modifier.PUBLIC)
          && constructor.getParameters().isEmpty()) {
        return runtimeTypes.firstCheckedThrown(constructor).isPresent()
            ? Optional.of(constructor)
            : Optional.empty();
      }
    }
    return Optional.of(type);
  }

  static String describe(ElementKind kind) {
    return switch (kind) {
      case INTERFACE -> "an interface";
      case ENUM -> "an enum";
      case ANNOTATION_TYPE -> "an annotation type";
      case RECORD -> "a record";
      default -> "a " + kind.name().toLowerCase(Locale.ROOT);
    };
  }
}
