package dev.datapunk.mesh.processor;

import com.squareup.javapoet.ClassName;
import dev.datapunk.mesh.processor.elements.MeshAnnotations;
import dev.datapunk.mesh.processor.model.ExceptionHandlerModel;
import dev.datapunk.mesh.processor.model.ExtensionsModel;
import dev.datapunk.mesh.processor.model.FactoryModel;
import dev.datapunk.mesh.processor.model.HealthCheckModel;
import dev.datapunk.mesh.processor.model.ServiceModel;
import dev.datapunk.mesh.processor.model.StageModel;
import dev.datapunk.mesh.processor.validation.ExceptionHandlerValidator;
import dev.datapunk.mesh.processor.validation.ExtensionClassValidator;
import dev.datapunk.mesh.processor.validation.FactoryValidator;
import dev.datapunk.mesh.processor.validation.Message;
import dev.datapunk.mesh.processor.validation.ValidationReport;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.util.ElementFilter;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;

/**
 * Collects, round after round, what the bootstrap wires besides the services: {@code @MeshStage}
 * and {@code @MeshHealthCheck} classes, the handlers of {@code @MeshAdvice} classes and
 * {@code @MeshFactory} methods. Each is validated when found, global handlers against those found
 * before; the services a stage or factory names when the bootstrap is planned, once every service
 * is known. Problems found in a later round than their element are reported on the element as that
 * round sees it (javac loses the source position of elements kept from earlier rounds).
 */
final class ExtensionCollector {

  /** The scope name of global handlers in messages. */
  static final String GLOBAL_SCOPE = "the @MeshAdvice classes";

  private final Elements elements;
  private final Types types;
  private final ExtensionClassValidator classValidator;
  private final FactoryValidator factoryValidator;
  private final ExceptionHandlerValidator handlerValidator;

  private final List<TypeElement> stages = new ArrayList<>();
  private final List<TypeElement> healthChecks = new ArrayList<>();
  private final List<ExecutableElement> globalHandlers = new ArrayList<>();

  /** By the qualified name of the service it creates, the first factory found, valid or not. */
  private final Map<String, ExecutableElement> factoryByService = new LinkedHashMap<>();

  private final List<ExecutableElement> validFactories = new ArrayList<>();

  /** Every annotated class or factory, with its annotation, for {@link #reportUnwired}. */
  private final Map<Element, MeshAnnotations> found = new LinkedHashMap<>();

  ExtensionCollector(
      Elements elements,
      Types types,
      ExtensionClassValidator classValidator,
      FactoryValidator factoryValidator,
      ExceptionHandlerValidator handlerValidator) {
    this.elements = elements;
    this.types = types;
    this.classValidator = classValidator;
    this.factoryValidator = factoryValidator;
    this.handlerValidator = handlerValidator;
  }

  /**
   * Validates the extensions annotated in one round and keeps the valid ones; handlers of service
   * classes only for where they are (their signature is checked with their service).
   */
  ValidationReport collect(Function<MeshAnnotations, Set<? extends Element>> annotatedWith) {
    ValidationReport report = new ValidationReport();
    for (Element element : annotatedWith.apply(MeshAnnotations.FACTORY)) {
      if (element instanceof ExecutableElement factory) {
        found.put(factory, MeshAnnotations.FACTORY);
        report.addAll(collectFactory(factory));
      }
    }
    for (Element element : annotatedWith.apply(MeshAnnotations.STAGE)) {
      found.put(element, MeshAnnotations.STAGE);
      ValidationReport stage = classValidator.validateStage((TypeElement) element);
      keepIfClean(stage, (TypeElement) element, stages);
      report.addAll(stage);
    }
    for (Element element : annotatedWith.apply(MeshAnnotations.HEALTH_CHECK)) {
      found.put(element, MeshAnnotations.HEALTH_CHECK);
      ValidationReport check = classValidator.validateHealthCheck((TypeElement) element);
      keepIfClean(check, (TypeElement) element, healthChecks);
      report.addAll(check);
    }
    for (Element element : annotatedWith.apply(MeshAnnotations.ADVICE)) {
      found.put(element, MeshAnnotations.ADVICE);
      report.addAll(classValidator.validateAdvice((TypeElement) element));
    }
    for (Element element : annotatedWith.apply(MeshAnnotations.EXCEPTION_HANDLER)) {
      if (element instanceof ExecutableElement handler) {
        report.addAll(collectHandler(handler));
      }
    }
    return report;
  }

  private static <E extends Element> void keepIfClean(
      ValidationReport report, E element, List<E> kept) {
    if (report.isClean()) {
      kept.add(element);
    }
  }

  private ValidationReport collectFactory(ExecutableElement factory) {
    ValidationReport report = factoryValidator.validate(factory);
    Optional<TypeElement> service = FactoryValidator.serviceOf(factory);
    if (service.isPresent()) {
      String name = service.get().getQualifiedName().toString();
      ExecutableElement earlier = factoryByService.putIfAbsent(name, factory);
      if (earlier != null) {
        report.addAll(factoryValidator.duplicate(factory, earlier));
      }
    }
    keepIfClean(report, factory, validFactories);
    return report;
  }

  private ValidationReport collectHandler(ExecutableElement handler) {
    Optional<ExceptionHandlerValidator.Scope> scope = ExceptionHandlerValidator.scopeOf(handler);
    if (scope.isEmpty()) {
      return handlerValidator.validatePlacement(handler);
    }
    if (scope.get() == ExceptionHandlerValidator.Scope.SERVICE) {
      return new ValidationReport();
    }
    ValidationReport report =
        handlerValidator.validateSignature(handler, ExceptionHandlerValidator.Scope.GLOBAL);
    if (report.isClean()) {
      report.addAll(handlerValidator.validateDuplicate(handler, globalHandlers, GLOBAL_SCOPE));
    }
    keepIfClean(report, handler, globalHandlers);
    return report;
  }

  /** Whether a {@code @MeshFactory} method creates {@code service}. */
  boolean hasFactory(TypeElement service) {
    return factoryByService.containsKey(service.getQualifiedName().toString());
  }

  /**
   * Checks what depends on the whole compilation, once every service is known: stages and factories
   * name services of this compilation.
   */
  ValidationReport validateAgainst(List<ServiceModel> services) {
    Set<ClassName> served =
        services.stream().map(ServiceModel::serviceClass).collect(Collectors.toSet());
    ValidationReport report = new ValidationReport();
    for (TypeElement kept : stages) {
      TypeElement stage = elements.getTypeElement(kept.getQualifiedName());
      AnnotationMirror mirror = MeshAnnotations.STAGE.on(stage).orElseThrow();
      for (AnnotationValue entry : serviceEntries(mirror)) {
        TypeElement service = (TypeElement) ((DeclaredType) entry.getValue()).asElement();
        if (!served.contains(ClassName.get(service))) {
          report.onValue(
              Message.STAGE_SERVICE,
              stage,
              mirror,
              entry,
              service.getQualifiedName() + " is not one");
        }
      }
    }
    for (ExecutableElement factory : validFactories) {
      TypeElement service = FactoryValidator.serviceOf(factory).orElseThrow();
      if (!served.contains(ClassName.get(service))) {
        report.addAll(factoryValidator.notOfThisCompilation(current(factory)));
      }
    }
    return report;
  }

  /** {@code method}, kept from an earlier round, as the current round sees it. */
  private ExecutableElement current(ExecutableElement method) {
    TypeElement owner =
        elements.getTypeElement(((TypeElement) method.getEnclosingElement()).getQualifiedName());
    return ElementFilter.methodsIn(owner.getEnclosedElements()).stream()
        .filter(candidate -> candidate.toString().equals(method.toString()))
        .findFirst()
        .orElse(method);
  }

  /** The model of everything collected; call once {@link #validateAgainst} passed. */
  ExtensionsModel model() {
    List<StageModel> stageModels = new ArrayList<>();
    for (TypeElement stage : stages) {
      AnnotationMirror mirror = MeshAnnotations.STAGE.on(stage).orElseThrow();
      int order =
          MeshAnnotations.value(mirror, "order")
              .map(v -> ((Number) v.getValue()).intValue())
              .orElse(0);
      List<ClassName> services =
          serviceEntries(mirror).stream()
              .map(
                  entry ->
                      ClassName.get((TypeElement) ((DeclaredType) entry.getValue()).asElement()))
              .toList();
      stageModels.add(new StageModel(stage, ClassName.get(stage), order, services));
    }
    Map<ClassName, FactoryModel> factories = new HashMap<>();
    for (ExecutableElement factory : validFactories) {
      ClassName service = ClassName.get(FactoryValidator.serviceOf(factory).orElseThrow());
      factories.put(
          service,
          new FactoryModel(
              factory,
              ClassName.get((TypeElement) factory.getEnclosingElement()),
              factory.getSimpleName().toString(),
              service));
    }
    return new ExtensionsModel(
        stageModels,
        healthChecks.stream()
            .map(check -> new HealthCheckModel(check, ClassName.get(check)))
            .toList(),
        globalHandlers.stream().map(handler -> ExceptionHandlerModel.of(handler, types)).toList(),
        factories);
  }

  /**
   * Reports every extension found, for a compilation that generates no bootstrap because it has no
   * service: nothing would wire them.
   */
  ValidationReport reportUnwired() {
    ValidationReport report = new ValidationReport();
    found.forEach(
        (kept, annotation) -> {
          Element element =
              kept instanceof ExecutableElement method
                  ? current(method)
                  : elements.getTypeElement(((TypeElement) kept).getQualifiedName());
          annotation
              .on(element)
              .ifPresent(
                  mirror ->
                      report.onAnnotation(
                          Message.EXTENSION_WITHOUT_SERVICE,
                          element,
                          mirror,
                          annotation.simpleName(),
                          describe(element)));
        });
    return report;
  }

  private static List<? extends AnnotationValue> serviceEntries(AnnotationMirror stage) {
    return MeshAnnotations.value(stage, "services")
        .map(MeshAnnotations::arrayEntries)
        .orElse(List.of());
  }

  private static String describe(Element element) {
    return element instanceof ExecutableElement method
        ? method.getEnclosingElement().getSimpleName() + "." + method
        : element.getSimpleName().toString();
  }
}
