package dev.datapunk.mesh.processor.validation;

import dev.datapunk.mesh.processor.elements.MeshAnnotations;
import dev.datapunk.mesh.processor.elements.RuntimeTypes;
import java.util.Optional;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.util.Elements;

/**
 * Checks a {@code @MeshFactory} method: the generated bootstrap calls it, without arguments, from
 * its own package, to create the service it returns.
 */
public final class FactoryValidator {

  private final ClassShape shape;
  private final RuntimeTypes runtimeTypes;

  public FactoryValidator(Elements elements, RuntimeTypes runtimeTypes) {
    this.shape = new ClassShape(elements, runtimeTypes);
    this.runtimeTypes = runtimeTypes;
  }

  /** The {@code @MeshService} class {@code factory} returns, if it returns one. */
  public static Optional<TypeElement> serviceOf(ExecutableElement factory) {
    if (factory.getReturnType() instanceof DeclaredType type
        && type.asElement() instanceof TypeElement service
        && MeshAnnotations.MESH_SERVICE.isOn(service)) {
      return Optional.of(service);
    }
    return Optional.empty();
  }

  /** Validates {@code factory}; reports the first problem. */
  public ValidationReport validate(ExecutableElement factory) {
    ValidationReport report = new ValidationReport();
    problem(factory)
        .ifPresent(
            problem ->
                report.onElement(Message.FACTORY_SIGNATURE, factory, describe(factory), problem));
    return report;
  }

  private Optional<String> problem(ExecutableElement factory) {
    if (!factory.getModifiers().contains(Modifier.PUBLIC)
        || !factory.getModifiers().contains(Modifier.STATIC)) {
      return Optional.of("is not public static");
    }
    Optional<String> unreachable = shape.notReachable((TypeElement) factory.getEnclosingElement());
    if (unreachable.isPresent()) {
      return unreachable.map(reason -> "is in a class the bootstrap cannot call: " + reason);
    }
    if (!factory.getParameters().isEmpty()) {
      return Optional.of("takes " + factory.getParameters().size() + " parameters");
    }
    if (!factory.getTypeParameters().isEmpty()) {
      return Optional.of("declares type parameters");
    }
    if (serviceOf(factory).isEmpty()) {
      return Optional.of(
          "returns " + factory.getReturnType() + ", which is not a @MeshService class");
    }
    return runtimeTypes
        .firstCheckedThrown(factory)
        .map(thrown -> "throws checked exception " + thrown);
  }

  /** Reports {@code factory}, found after {@code earlier}, which creates the same service. */
  public ValidationReport duplicate(ExecutableElement factory, ExecutableElement earlier) {
    return new ValidationReport()
        .onElement(
            Message.FACTORY_DUPLICATE,
            factory,
            describe(factory),
            describe(earlier),
            serviceOf(factory).orElseThrow().getQualifiedName());
  }

  /** Reports {@code factory}, whose service is not one of the compilation's valid services. */
  public ValidationReport notOfThisCompilation(ExecutableElement factory) {
    return new ValidationReport()
        .onElement(
            Message.FACTORY_SIGNATURE,
            factory,
            describe(factory),
            "returns "
                + serviceOf(factory).orElseThrow().getQualifiedName()
                + ", which is not a @MeshService class of this compilation");
  }

  /** {@code Owner.method()}. */
  static String describe(ExecutableElement factory) {
    return factory.getEnclosingElement().getSimpleName() + "." + factory;
  }
}
