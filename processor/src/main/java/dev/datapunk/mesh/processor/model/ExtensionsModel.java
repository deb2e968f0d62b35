package dev.datapunk.mesh.processor.model;

import com.squareup.javapoet.ClassName;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import javax.lang.model.element.Element;

/**
 * What the bootstrap wires besides the services: user stages in chain order, health checks, global
 * exception handlers most specific first, and the factories of services that are not created with
 * {@code new}.
 *
 * @param stages the {@code @MeshStage} classes, outermost first
 * @param healthChecks the {@code @MeshHealthCheck} classes, by name
 * @param globalHandlers the handlers of {@code @MeshAdvice} classes, most specific first
 * @param factories by service class, its {@code @MeshFactory}
 */
public record ExtensionsModel(
    List<StageModel> stages,
    List<HealthCheckModel> healthChecks,
    List<ExceptionHandlerModel> globalHandlers,
    Map<ClassName, FactoryModel> factories) {

  /** Nothing besides the services. */
  public static final ExtensionsModel NONE =
      new ExtensionsModel(List.of(), List.of(), List.of(), Map.of());

  public ExtensionsModel {
    stages = stages.stream().sorted(StageModel.CHAIN_ORDER).toList();
    healthChecks =
        healthChecks.stream()
            .sorted(Comparator.comparing(check -> check.type().canonicalName()))
            .toList();
    globalHandlers = ExceptionHandlerModel.ordered(globalHandlers);
    factories = Map.copyOf(factories);
  }

  /** The factory of {@code service}, if it has one. */
  public Optional<FactoryModel> factoryOf(ClassName service) {
    return Optional.ofNullable(factories.get(service));
  }

  /** Every element the bootstrap's extensions come from. */
  public Stream<Element> elements() {
    return Stream.of(
            stages.stream().map(StageModel::element),
            healthChecks.stream().map(HealthCheckModel::element),
            globalHandlers.stream().map(ExceptionHandlerModel::element),
            factories.values().stream().map(FactoryModel::element))
        .flatMap(s -> s);
  }
}
